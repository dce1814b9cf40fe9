// safetensors (https://github.com/huggingface/safetensors) reader/writer, so masks and weights open in
// Python tools: u64-LE header length, JSON header {name: {dtype, shape, data_offsets}, __metadata__}, data.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { StoreError } from './errors.js';

export type StoredArray = Float32Array | Uint8Array | Int32Array;

export interface NamedArray {
  shape: number[];
  data: StoredArray;
}

const DTYPE_OF = (a: StoredArray): 'F32' | 'U8' | 'I32' => (a instanceof Float32Array ? 'F32' : a instanceof Uint8Array ? 'U8' : 'I32');

export class SafetensorsError extends StoreError {}

export function encodeSafetensors(tensors: Record<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const n of names) {
    const t = tensors[n]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new SafetensorsError(`tensor '${n}': shape [${t.shape}] needs ${count} values, got ${t.data.length}`);
    header[n] = { dtype: DTYPE_OF(t.data), shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // 8-byte alignment of the data
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const n of names) {
    const d = tensors[n]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(
  bytes: Uint8Array,
  file = 'safetensors',
): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(`${file}: too short for a safetensors header`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (n > bytes.length - 8) throw new SafetensorsError(`${file}: header length ${n} exceeds the file (truncated?)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  } catch (e) {
    throw new SafetensorsError(`${file}: header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new SafetensorsError(`${file}: header is not a JSON object`);
  const dataStart = 8 + n;
  const tensors: Record<string, NamedArray> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (typeof e !== 'object' || e === null || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SafetensorsError(`${file}: tensor '${name}' has no valid shape`);
    }
    const [b, end] = Array.isArray(e.data_offsets) ? e.data_offsets : [];
    if (!Number.isInteger(b) || !Number.isInteger(end) || b! < 0 || end! < b! || dataStart + end! > bytes.length) {
      throw new SafetensorsError(`${file}: tensor '${name}' has bad data_offsets (truncated file?)`);
    }
    const slice = bytes.slice(dataStart + b!, dataStart + end!); // copy: aligned, independent of the file buffer
    const count = e.shape.reduce((x, y) => x * y, 1);
    const width = e.dtype === 'F32' || e.dtype === 'I32' ? 4 : 1;
    if (slice.length % width !== 0)
      throw new SafetensorsError(`${file}: tensor '${name}' holds ${slice.length} bytes, not a whole number of ${e.dtype} values`);
    const data =
      e.dtype === 'F32'
        ? new Float32Array(slice.buffer)
        : e.dtype === 'U8'
          ? slice
          : e.dtype === 'I32'
            ? new Int32Array(slice.buffer)
            : null;
    if (!data) throw new SafetensorsError(`${file}: tensor '${name}' has unsupported dtype ${e.dtype}`);
    if (data.length !== count)
      throw new SafetensorsError(`${file}: tensor '${name}' shape [${e.shape}] does not match its ${data.length} values`);
    tensors[name] = { shape: e.shape, data };
  }
  return { tensors, metadata };
}

export function writeSafetensors(path: string, tensors: Record<string, NamedArray>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(path: string): { tensors: Record<string, NamedArray>; metadata: Record<string, string> } {
  if (!existsSync(path)) throw new SafetensorsError(`${path}: missing`);
  return decodeSafetensors(new Uint8Array(readFileSync(path)), path);
}
