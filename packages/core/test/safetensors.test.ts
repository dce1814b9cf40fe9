import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from '../src/store/safetensors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('safetensors', () => {
  it('round-trips f32, u8 and i32 tensors with metadata through a file', () => {
    const t = {
      'fc1.weight': { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-8, -0) },
      'fc1.mask': { shape: [2, 3], data: Uint8Array.of(1, 0, 1, 1, 0, 1) },
      idx: { shape: [2], data: Int32Array.of(-5, 7) },
    };
    const p = join(tmp, 'a.safetensors');
    writeSafetensors(p, t, { run: 'abc' });
    const back = readSafetensors(p);
    expect(back.metadata).toEqual({ run: 'abc' });
    for (const [k, v] of Object.entries(t)) {
      expect(back.tensors[k]!.shape).toEqual(v.shape);
      expect(Array.from(back.tensors[k]!.data)).toEqual(Array.from(v.data));
      expect(back.tensors[k]!.data.constructor).toBe(v.data.constructor);
    }
  });

  it('lays out the format as specified: u64-LE header length, aligned JSON header, sorted data', () => {
    const bytes = encodeSafetensors({ b: { shape: [1], data: Float32Array.of(2) }, a: { shape: [2], data: Uint8Array.of(7, 8) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
    expect(header.a).toEqual({ dtype: 'U8', shape: [2], data_offsets: [0, 2] });
    expect(header.b).toEqual({ dtype: 'F32', shape: [1], data_offsets: [2, 6] });
    expect(Array.from(bytes.subarray(8 + n, 8 + n + 2))).toEqual([7, 8]);
  });

  it('rejects truncated and malformed files with a message', () => {
    const p = join(tmp, 'b.safetensors');
    writeSafetensors(p, { w: { shape: [4], data: new Float32Array(4) } });
    const bytes = new Uint8Array(readFileSync(p));
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3))).toThrow(/data_offsets|truncated/);
    expect(() => decodeSafetensors(bytes.subarray(0, 4))).toThrow(/too short/);
    const bad = bytes.slice();
    bad[9] = 0x7b; // corrupt the JSON
    bad[10] = 0x7b;
    expect(() => decodeSafetensors(bad)).toThrow(/not valid JSON/);
    expect(() => encodeSafetensors({ w: { shape: [3], data: new Float32Array(4) } })).toThrow(/needs 3 values/);
  });
});
