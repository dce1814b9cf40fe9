// Shared argument handling for the spatial ops (conv, pooling): [h, w] pairs and NCHW shapes.
import { shapeStr } from '../check.js';
import { LthError } from '../errors.js';

/** A size given once for both spatial dimensions or as [h, w]. */
export type Pair = number | readonly [number, number];

/** Resolve a Pair to [h, w] integers >= min, or throw ERR_ARG naming the op and the option. */
export function pairArg(op: string, name: string, v: Pair | undefined, fallback: Pair, min: number): [number, number] {
  const raw = v ?? fallback;
  const hw: readonly number[] = typeof raw === 'number' ? [raw, raw] : raw;
  if (!Array.isArray(hw) || hw.length !== 2 || hw.some((d) => !Number.isInteger(d) || d < min)) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be an integer >= ${min} or a pair of them, got ${JSON.stringify(raw)}`);
  }
  return [hw[0]!, hw[1]!];
}

/** Check an [N,C,H,W] shape given as an array (non-negative integers, rank 4). */
export function expectShape4(op: string, name: string, shape: readonly number[]): [number, number, number, number] {
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must be a rank-4 shape [N,C,H,W], got ${shapeStr(shape)}`);
  }
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}

/** Output length of a sliding window: floor((n + 2·pad − k) / stride) + 1, or an ERR_SHAPE when k does not fit. */
export function slidingOutput(op: string, what: string, n: number, k: number, stride: number, pad: number): number {
  if (n + 2 * pad < k) {
    throw new LthError('ERR_SHAPE', `${op}: ${what} ${k} is larger than the padded input ${n} + 2·${pad} = ${n + 2 * pad}`);
  }
  return Math.floor((n + 2 * pad - k) / stride) + 1;
}
