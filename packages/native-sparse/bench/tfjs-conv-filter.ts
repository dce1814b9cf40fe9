// Conv2DBackpropFilter for tfjs's wasm backend, which ships Conv2D and Conv2DBackpropInput but not the filter
// gradient (so tf.grad of a conv2d throws there). The filter gradient is itself a convolution with the roles
// swapped, run by the wasm backend's own (XNNPACK) Conv2D:
//   dW[r,s,c,k] = Σ_{n,i,j} x[n, i·st + r − pt, j·st + s − pl, c] · dy[n,i,j,k]
// is conv2d(input = xᵀ [C, H, W, N] (channels as batch, batch as channels), filter = dyᵀ [Ho, Wo, N, K],
// stride 1, dilation = the forward stride, explicit padding chosen so the output is exactly R × S), then
// transposed [C,R,S,K] → [R,S,C,K]. Rows/columns of x that the forward never reads are cropped first.
import type * as tfTypes from '@tensorflow/tfjs';
import { registerOpsKernel } from './tfjs-kernel.js';

type Tf = typeof tfTypes;

/** Register the kernel on tf's 'wasm' backend (replacing any registered one). */
export function registerWasmConv2DBackpropFilter(tf: Tf): void {
  registerOpsKernel(tf, 'Conv2DBackpropFilter', 'wasm', ({ x, dy }, attrs) => {
    const a = attrs as unknown as tfTypes.Conv2DBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${a.dataFormat}`);
    return conv2dFilterGrad(tf, x as tfTypes.Tensor4D, dy as tfTypes.Tensor4D, a);
  });
}

/** dW [R,S,C,K] of an NHWC conv2d (dilation 1) with input x and output gradient dy. */
export function conv2dFilterGrad(
  tf: Tf,
  x: tfTypes.Tensor4D,
  dy: tfTypes.Tensor4D,
  a: tfTypes.Conv2DBackpropFilterAttrs,
): tfTypes.Tensor4D {
  const [R, S, C, K] = a.filterShape;
  const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const { strideHeight: sh, strideWidth: sw, outHeight: Ho, outWidth: Wo, padInfo } = info;
  const [N, H, W] = x.shape;
  if (x.shape[3] !== C || dy.shape[3] !== K || dy.shape[1] !== Ho || dy.shape[2] !== Wo) {
    throw new Error(`Conv2DBackpropFilter (wasm): shapes x [${x.shape}], dy [${dy.shape}], filter [${a.filterShape}] do not agree`);
  }
  // Input rows the forward reads: [−pt, (Ho−1)·sh + R − 1 − pt]. Output rows of the swapped conv:
  // (H' + pt + pb) − (Ho−1)·sh, which must equal R.
  const usedH = Math.min(H, (Ho - 1) * sh + R - padInfo.top);
  const usedW = Math.min(W, (Wo - 1) * sw + S - padInfo.left);
  const pb = R + (Ho - 1) * sh - usedH - padInfo.top;
  const pr = S + (Wo - 1) * sw - usedW - padInfo.left;
  const xc = usedH < H || usedW < W ? tf.slice(x, [0, 0, 0, 0], [N, usedH, usedW, C]) : x;
  const xT = tf.transpose(xc, [3, 1, 2, 0]); // [C, H', W', N]
  const f = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, K]
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [padInfo.top, pb],
    [padInfo.left, pr],
    [0, 0],
  ];
  const out = tf.conv2d(xT, f, 1, pad, 'NHWC', [sh, sw]); // [C, R, S, K]
  return tf.transpose(out, [1, 2, 0, 3]);
}
