// Global average pooling [N,C,H,W] -> [N,C] (src/binding/global_avgpool.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface GlobalAvgPoolOptions {
  out?: Tensor<'f32'>;
}

/** y[N,C] = mean of x[N,C,H,W] over H·W. */
export const globalAvgPool = bound('globalAvgPool');
/** dx[N,C,H,W] = dy[N,C] / (H·W) broadcast over each plane. */
export const globalAvgPoolBackward = bound('globalAvgPoolBackward');
