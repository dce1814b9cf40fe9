// Residual add (src/binding/add.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface AddOptions {
  out?: Tensor<'f32'>;
}

/** y = a + b (residual add; same shapes; `out` may be a or b). Its backward passes dy to both inputs. */
export const add = bound('add');
