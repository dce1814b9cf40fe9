// Row gather: the batch fetch for a dataset kept on the device (one call per step instead of a host copy
// and an upload).
import { arg, checkArgs, expectDType, expectLive, expectRank, expectSameDevice, expectShape, shapeStr } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type I32 = Tensor<'i32'>;
type Rows = Tensor<'f32'> | Tensor<'i32'>;

interface GatherNative {
  gatherRows(table: Rows, index: I32, out: Rows): void;
}
const native = () => nativeAs<GatherNative>();

/**
 * out[k, ...] = table[index[k], ...]: table [rows, ...] f32 or i32, index i32 [n], out [n, ...] (same dtype
 * and device as table; allocated when not given). An index outside [0, rows) throws ERR_ARG.
 */
export function gatherRows<T extends Rows>(table: T, index: I32, opts: { out?: T } = {}): T {
  const op = 'gatherRows';
  checkArgs(op, {
    table: arg.tensor(['f32', 'i32'], { minRank: 1 }), index: arg.i32({ rank: 1 }),
    opts: arg.options({ out: arg.out(['f32', 'i32']) }),
  }, [table, index, opts]);
  expectLive(op, 'table', table);
  expectLive(op, 'index', index);
  const dtype: string = table.dtype;  // checked at runtime too: callers may bypass the types
  if (dtype !== 'f32' && dtype !== 'i32') throw new LthError('ERR_DTYPE', `${op}: 'table' must be f32 or i32, got ${dtype}`);
  if (table.shape.length < 1) throw new LthError('ERR_SHAPE', `${op}: 'table' must have rank >= 1, got ${shapeStr(table.shape)}`);
  expectDType(op, 'index', index, 'i32');
  expectRank(op, 'index', index, 1);
  const shape = [index.shape[0]!, ...table.shape.slice(1)];
  let out = opts.out;
  if (out) {
    expectLive(op, 'out', out);
    expectDType(op, 'out', out, table.dtype);
    expectShape(op, 'out', out, shape);
  } else {
    out = zeros(shape, { dtype: table.dtype, device: table.device }) as T;
  }
  expectSameDevice(op, { table, index, out });
  native().gatherRows(table, index, out);
  return out;
}
