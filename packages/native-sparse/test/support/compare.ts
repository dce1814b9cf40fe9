// Numeric comparison with messages that say where and by how much results differ.
import { expect } from 'vitest';

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/**
 * Every |a_i - e_i| <= atol + rtol * |e_i|. Default tolerances suit float32 kernels checked against a
 * float64 reference with sums of up to a few thousand terms.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-4, atol = 1e-5 }: Tolerance = {},
  label = '',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label} differs at index ${worst}: got ${actual[worst]}, expected ${expected[worst]} ` + `(rtol ${rtol}, atol ${atol})`);
  }
}

/** Exact equality, reporting the first mismatch. */
export function expectEqualArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${label} differs at index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Scale-aware tolerance: atol relative to the largest |expected|. */
export function scaledAtol(expected: ArrayLike<number>, rel: number): number {
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i]!));
  return Math.max(m * rel, 1e-12);
}
