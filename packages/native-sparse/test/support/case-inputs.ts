// Input builders shared by the case tables of test/cases (seeded through Rng): shapes, ties, byte masks, zeros.
import { randn, type Rng } from './random.js';

export const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** n values k·step with k uniform in [−levels, levels]: many exact ties, ±equal magnitudes. */
export function ties(rng: Rng, n: number, levels: number, step: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.int(2 * levels + 1) - levels) * step;
  return a;
}

export function bytes(rng: Rng, n: number, pZero: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() < pZero ? 0 : 1 + rng.int(255);
  return a;
}

export function shift(a: Float32Array, by: number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i]! += by;
  return a;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
export const alive = (m: Uint8Array | null, n: number) => (m ? m.reduce((s, v) => s + (v ? 1 : 0), 0) : n);

/** Gaussian values with exact zeros and negative zeros sprinkled in. */
export function withZeros(rng: Rng, n: number): Float32Array {
  const a = randn(rng, n);
  for (let i = 0; i < n; i += 7) a[i] = i % 14 === 0 ? 0 : -0;
  return a;
}

/** LeNet-300-100's weight shapes. */
export const LENET = [
  [300, 784],
  [100, 300],
  [10, 100],
]; // 235200 + 30000 + 1000 = 266200 weights
