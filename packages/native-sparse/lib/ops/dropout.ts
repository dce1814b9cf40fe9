// Inverted dropout, seeded and counter-based: the same mask on every device and thread count
// (src/binding/dropout.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface DropoutOptions {
  out?: Tensor<'f32'>;
  keep?: Tensor<'u8'>;
}

export interface DropoutResult {
  y: Tensor<'f32'>;
  /** 1 where the element was kept, 0 where dropped. */
  keep: Tensor<'u8'>;
}

/**
 * Inverted dropout: keep[i] = uniform(seed, i) >= p, y = keep ? x / (1 − p) : 0 (float32 division).
 * The mask depends only on (seed, i): the same on every device and thread count. p = 0 keeps everything.
 * `out` may be x (in place).
 */
export const dropout = bound('dropout');
/** dx = keep ? dy / (1 − p) : 0; `out` may be dy (in place). */
export const dropoutBackward = bound('dropoutBackward');
