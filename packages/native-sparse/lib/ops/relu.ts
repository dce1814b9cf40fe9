// ReLU (src/binding/relu.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface ReluOptions {
  out?: Tensor<'f32'>;
}

/** y = max(x, 0), any shape; `out` may be x (in place). */
export const relu = bound('relu');
/** dx = dy where y > 0, else 0 (y is relu's output); `out` may be dy or y (in place). */
export const reluBackward = bound('reluBackward');
