// Argument checks run in TypeScript before native calls, so a mistake gets a message naming the op, the
// argument and both shapes. The addon re-checks cheaply.
import { LthError } from './errors.js';
import type { DType, Tensor } from './tensor.js';

export function shapeStr(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

export function expectRank(op: string, name: string, t: Tensor, rank: number): void {
  if (t.shape.length !== rank) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have rank ${rank}, got shape ${shapeStr(t.shape)}`);
  }
}

export function expectShape(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
  }
}

export function expectDType(op: string, name: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new LthError('ERR_DTYPE', `${op}: '${name}' must be ${dtype}, got ${t.dtype}`);
}

export function expectLive(op: string, name: string, t: Tensor): void {
  if (t.disposed) throw new LthError('ERR_DISPOSED', `${op}: tensor '${name}' was disposed`);
}

export function expectSameDevice(op: string, ts: Record<string, Tensor | null | undefined>): void {
  let first: [string, Tensor] | undefined;
  for (const [name, t] of Object.entries(ts)) {
    if (!t) continue;
    if (!first) first = [name, t];
    else if (t.device !== first[1].device) {
      throw new LthError('ERR_DEVICE', `${op}: '${name}' is on ${t.device} but '${first[0]}' is on ${first[1].device}`);
    }
  }
}

export function expectInt(op: string, name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be an integer in [${min}, ${max}], got ${v}`);
  }
}

export function expectNumber(op: string, name: string, v: number, min = -Infinity, max = Infinity): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be a finite number in [${min}, ${max}], got ${v}`);
  }
}
