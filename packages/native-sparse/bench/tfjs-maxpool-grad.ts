// A correct MaxPoolGrad for tfjs's wasm backend. The one tfjs-backend-wasm 4.22 ships (built on its pool3d
// code) returns wrong gradients once a tensor has 4 or more channels (checked here against plain loops and
// tfjs's cpu backend: max error ~1 for unit-normal data), which makes every CNN gradient below a max pool wrong.
// This replacement covers the non-overlapping windows CNNs use (stride = window, no padding, e.g. 2×2/2):
// each window's gradient goes to its first maximum in row-major order, like lth's kernel. Other geometries throw.
import type * as tfTypes from '@tensorflow/tfjs';
import { registerOpsKernel } from './tfjs-kernel.js';

type Tf = typeof tfTypes;

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Replace the wasm backend's MaxPoolGrad. */
export function registerWasmMaxPoolGrad(tf: Tf): void {
  registerOpsKernel(tf, 'MaxPoolGrad', 'wasm', ({ dy, input }, attrs) =>
    maxPoolGradNonOverlapping(tf, dy as tfTypes.Tensor4D, input as tfTypes.Tensor4D, attrs as unknown as MaxPoolGradAttrs),
  );
}

const pair = (v: [number, number] | number): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** dx [N,H,W,C] of y = maxPool(x) (NHWC) for windows with stride = size and no padding. */
export function maxPoolGradNonOverlapping(tf: Tf, dy: tfTypes.Tensor4D, x: tfTypes.Tensor4D, a: MaxPoolGradAttrs): tfTypes.Tensor4D {
  const [kh, kw] = pair(a.filterSize);
  const [sh, sw] = pair(a.strides);
  const p = tf.backend_util.computePool2DInfo(x.shape, [kh, kw], [sh, sw], 1, a.pad as 'valid', a.dimRoundingMode).padInfo;
  const padless = p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
  if (kh !== sh || kw !== sw || !padless) {
    throw new Error(
      `MaxPoolGrad (wasm replacement): only stride = window without padding is supported, got window ${kh}×${kw}, stride ${sh}×${sw}, pad ${String(a.pad)}`,
    );
  }
  const [N, H, W, C] = x.shape;
  const [, Ho, Wo] = dy.shape;
  // Windows as [N, Ho, Wo, C, kh·kw]; argMax picks each window's first maximum. (The one-hot is made as int32 and
  // cast: the wasm OneHot writes int32 bit patterns into a float32 output.)
  const xc = Ho * kh < H || Wo * kw < W ? tf.slice(x, [0, 0, 0, 0], [N, Ho * kh, Wo * kw, C]) : x;
  const win = tf.reshape(tf.transpose(tf.reshape(xc, [N, Ho, kh, Wo, kw, C]), [0, 1, 3, 5, 2, 4]), [N, Ho, Wo, C, kh * kw]);
  const g = tf.mul(tf.cast(tf.oneHot(tf.argMax(win, 4), kh * kw), 'float32'), tf.reshape(dy, [N, Ho, Wo, C, 1]));
  const back = tf.reshape(tf.transpose(tf.reshape(g, [N, Ho, Wo, C, kh, kw]), [0, 1, 4, 2, 5, 3]), [
    N,
    Ho * kh,
    Wo * kw,
    C,
  ]) as tfTypes.Tensor4D;
  return Ho * kh < H || Wo * kw < W
    ? tf.pad(back, [
        [0, 0],
        [0, H - Ho * kh],
        [0, W - Wo * kw],
        [0, 0],
      ])
    : back;
}
