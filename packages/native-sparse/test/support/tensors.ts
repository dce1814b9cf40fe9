// Test helpers for native tensors and the errors ops throw.
import { afterAll } from 'vitest';
import type { Tensor } from '../../lib/index.js';

/** A `track(t)` that returns t and disposes every tracked tensor after the file's tests. */
export function tensorTracker(): <T extends Tensor>(t: T) => T {
  const live: Tensor[] = [];
  afterAll(() => live.forEach((t) => t.dispose()));
  return (t) => (live.push(t), t);
}

/** The `.code` of what `f` throws: 'none' when it does not throw, 'no code' for an error without one. */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? 'no code';
  }
  return 'none';
}
