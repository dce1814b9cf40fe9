// Row gather: the batch fetch for a data set kept on the device, one call per step instead of a host copy and an
// upload (src/binding/gather_rows.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export type Rows = Tensor<'f32'> | Tensor<'i32'>;

export interface GatherRowsOptions<T extends Rows> {
  out?: T;
}

/**
 * out[k, ...] = table[index[k], ...]: table [rows, ...] f32 or i32, index i32 [n], out [n, ...] (same dtype
 * and device as table; allocated when not given). An index outside [0, rows) throws ERR_ARG.
 */
export const gatherRows = bound('gatherRows');
