// Flip + translate augmentation of an image batch on its device (CIFAR's random flips and 4-pixel shifts), so
// a data set kept on the GPU is augmented there. The random choices come as params; see core's augment.ts.
import { arg, checkArgs, expectDType, expectLive, expectRank, expectSameDevice, expectShape } from '../check.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type I32 = Tensor<'i32'>;

interface AugmentNative {
  flipTranslate(src: F32, params: I32, out: F32): void;
}
const native = () => nativeAs<AugmentNative>();

/**
 * out[k,c,y,x] = src[k,c,y+dy, flip ? W-1-(x+dx) : x+dx] inside the image, else 0, with params[k] = (flip,
 * dy, dx): src [n,C,H,W] f32, params [n,3] i32 (flip != 0 flips; shifts past the edge give zeros). `out` (made
 * when not given) must not be `src`.
 */
export function flipTranslate(src: F32, params: I32, opts: { out?: F32 } = {}): F32 {
  const op = 'flipTranslate';
  checkArgs(op, { src: arg.f32({ rank: 4 }), params: arg.i32({ rank: 2 }), opts: arg.options({ out: arg.out('f32', { rank: 4 }) }) },
    [src, params, opts]);
  expectLive(op, 'src', src);
  expectLive(op, 'params', params);
  expectDType(op, 'src', src, 'f32');
  expectRank(op, 'src', src, 4);
  expectDType(op, 'params', params, 'i32');
  expectShape(op, 'params', params, [src.shape[0]!, 3]);
  const out = opts.out ?? zeros(src.shape, { device: src.device });
  if (opts.out) {
    expectLive(op, 'out', out);
    expectDType(op, 'out', out, 'f32');
    expectShape(op, 'out', out, src.shape);
  }
  expectSameDevice(op, { src, params, out });
  native().flipTranslate(src, params, out);
  return out;
}
