// Flip + translate augmentation of an image batch on its device (CIFAR's random flips and 4-pixel shifts), so
// a data set kept on the GPU is augmented there (src/binding/flip_translate.cpp). The random choices come as
// params; see core's augment.ts.
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface FlipTranslateOptions {
  out?: Tensor<'f32'>;
}

/**
 * out[k,c,y,x] = src[k,c,y+dy, flip ? W-1-(x+dx) : x+dx] inside the image, else 0, with params[k] = (flip,
 * dy, dx): src [n,C,H,W] f32, params [n,3] i32 (flip != 0 flips; shifts past the edge give zeros). `out` (made
 * when not given) must not be `src`.
 */
export const flipTranslate = bound('flipTranslate');
