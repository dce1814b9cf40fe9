// Shared argument handling for the spatial ops (conv, pooling): [h, w] pairs and NCHW shapes.
import { checkShapeValue, describeValue, MAX_GEOMETRY, shapeStr } from '../check.js';
import { LthError } from '../errors.js';

/** A size given once for both spatial dimensions or as [h, w]. */
export type Pair = number | readonly [number, number];

/** Resolve a Pair to [h, w] integers >= min, or throw ERR_ARG naming the op and the option. */
export function pairArg(op: string, name: string, v: Pair | undefined, fallback: Pair, min: number): [number, number] {
  const raw = v ?? fallback;
  const hw: readonly unknown[] = typeof raw === 'number' ? [raw, raw] : Array.isArray(raw) ? raw : [];
  if (hw.length !== 2 || hw.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < min || d > MAX_GEOMETRY)) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be an integer in [${min}, ${MAX_GEOMETRY}] or a pair of them, got ${describeValue(raw)}`);
  }
  return [hw[0] as number, hw[1] as number];
}

/** Check an [N,C,H,W] shape given as an array (non-negative integers, rank 4). */
export function expectShape4(op: string, name: string, shape: readonly number[]): [number, number, number, number] {
  const s = checkShapeValue(op, name, shape);
  if (s.length !== 4) throw new LthError('ERR_SHAPE', `${op}: '${name}' must be a rank-4 shape [N,C,H,W], got ${shapeStr(s)}`);
  return [s[0]!, s[1]!, s[2]!, s[3]!];
}

/** The [N,C,P,Q] output of a spatial op, ERR_SHAPE when huge paddings make it exceed MAX_ELEMENTS. */
export function outputShape4(op: string, out: [number, number, number, number]): [number, number, number, number] {
  checkShapeValue(op, 'output shape', out);
  return out;
}

/** Output length of a sliding window: floor((n + 2·pad − k) / stride) + 1, or an ERR_SHAPE when k does not fit. */
export function slidingOutput(op: string, what: string, n: number, k: number, stride: number, pad: number): number {
  if (n + 2 * pad < k) {
    throw new LthError('ERR_SHAPE', `${op}: ${what} ${k} is larger than the padded input ${n} + 2·${pad} = ${n + 2 * pad}`);
  }
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}
