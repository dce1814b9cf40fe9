// Mask counts and seeded mask shuffles (src/binding/mask_ops.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface ShuffleMaskOptions {
  out?: Tensor<'u8'>;
}

/** Number of nonzero (alive) entries of a mask. */
export const countNonzero = bound('countNonzero');
/**
 * A seeded uniformly random permutation of the mask's entries (same alive count): Fisher–Yates, for i from
 * n−1 down to 1 swap entries i and j = below(seed, i, i+1) of rng.h — the same permutation on every device
 * and thread count. `out` may be the mask itself.
 */
export const shuffleMask = bound('shuffleMask');
