// The conv2d case table: 1×1 kernels (in-place GEMM path and strided), 3×3 pad 1, 5×5 pad 0/2, stride 2,
// rectangular kernels and strides, odd spatial sizes, C = 1/3, K not a multiple of anything, density 0/1
// masks, an empty batch, and shapes that exercise every im2col tiling of the fast kernel (4 Mi-float tile
// budget): several whole images per tile, exactly one image per tile, and bands of rows that straddle
// images; plus a Conv-4-like layer (checked at sampled positions, on the fast kernels only).
import { conv2dBackwardData, conv2dBackwardFilter, conv2dForward, conv2dOutputShape } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { float, parityCase, realistic, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface ConvCase {
  name: string;
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  R: number;
  S: number;
  stride: [number, number];
  pad: [number, number];
  density: number | null; // null = no mask
  bias: boolean;
  /** Check this many sampled outputs of each result against per-element references (large cases). */
  sample?: number;
  /** Too slow for the plain C++ reference loops: run on the fast kernels only. */
  fastOnly?: boolean;
}

const c = (
  name: string,
  [N, C, H, W]: number[],
  [K, R, S]: number[],
  stride: [number, number],
  pad: [number, number],
  density: number | null,
  bias = true,
  extra: Pick<ConvCase, 'sample' | 'fastOnly'> = {},
): ConvCase => ({ name, N: N!, C: C!, H: H!, W: W!, K: K!, R: R!, S: S!, stride, pad, density, bias, ...extra });

export const convCases: ConvCase[] = [
  c('1x1 pointwise', [2, 3, 5, 5], [4, 1, 1], [1, 1], [0, 0], null),
  c('1x1 pointwise masked', [3, 7, 6, 5], [5, 1, 1], [1, 1], [0, 0], 0.5),
  c('1x1 stride 2', [2, 4, 7, 7], [5, 1, 1], [2, 2], [0, 0], null),
  c('1x1 pad 1', [1, 2, 3, 4], [3, 1, 1], [1, 1], [1, 1], 0.7, false),
  c('3x3 pad 1', [2, 3, 8, 8], [5, 3, 3], [1, 1], [1, 1], null),
  c('3x3 pad 1 odd sizes', [3, 5, 7, 9], [7, 3, 3], [1, 1], [1, 1], 0.5),
  c('3x3 pad 0', [2, 4, 6, 5], [3, 3, 3], [1, 1], [0, 0], 0.8, false),
  c('5x5 pad 0', [2, 3, 11, 9], [6, 5, 5], [1, 1], [0, 0], 0.6),
  c('5x5 pad 2 C=1', [2, 1, 9, 9], [3, 5, 5], [1, 1], [2, 2], 0.3),
  c('3x3 stride 2 pad 1', [3, 4, 9, 10], [6, 3, 3], [2, 2], [1, 1], 0.5),
  c('5x5 stride 2 pad 2 odd', [2, 3, 13, 11], [5, 5, 5], [2, 2], [2, 2], null),
  c('3x2 kernel stride [2,1] pad [0,1]', [2, 2, 7, 6], [3, 3, 2], [2, 1], [0, 1], 0.5),
  c('stride 3 kernel 2', [2, 3, 8, 7], [4, 2, 2], [3, 3], [0, 0], null),
  c('kernel = input', [2, 3, 4, 4], [5, 4, 4], [1, 1], [0, 0], 0.5),
  c('large pad', [1, 2, 3, 3], [2, 3, 3], [1, 1], [3, 2], null),
  c('C=1 density 0', [2, 1, 6, 6], [2, 3, 3], [1, 1], [1, 1], 0),
  c('C=3 density 1', [2, 3, 6, 6], [4, 3, 3], [1, 1], [1, 1], 1),
  c('K=1', [1, 3, 5, 5], [1, 3, 3], [1, 1], [1, 1], 0.5),
  c('empty batch', [0, 3, 5, 5], [2, 3, 3], [1, 1], [1, 1], 0.5),
  c('many images per tile (C=3 first layer)', [8, 3, 32, 32], [64, 3, 3], [1, 1], [1, 1], 0.9),
  c('two images per tile, last tile one image', [5, 16, 53, 53], [5, 3, 3], [1, 1], [1, 1], 0.5),
  c('tile bands straddle images', [2, 64, 45, 45], [3, 3, 3], [1, 1], [1, 1], 0.5),
  c('Conv-4-like 64->64 32x32', [8, 64, 32, 32], [64, 3, 3], [1, 1], [1, 1], 0.2, true, { sample: 3000, fastOnly: true }),
];

// Cross-target parity cases for conv2d forward, backward data and backward filter (test/support/parity.ts).
type P2 = [number, number];

function convParityCases(
  name: string,
  xs: [number, number, number, number],
  [K, R, S]: [number, number, number],
  stride: P2,
  padding: P2,
  density: number | null,
  bias: boolean,
): ParityCase[] {
  const [N, C] = xs;
  const ws = [K, C, R, S];
  const ys = conv2dOutputShape(xs, ws, { stride, padding });
  const [P, Q] = [ys[2]!, ys[3]!];
  const label = `${name}: x [${xs}] w [${ws}] stride ${stride} pad ${padding}${density === null ? '' : ` density ${density}`}`;
  const inputs = (rng: Rng) => ({
    x: randn(rng, numel(xs)),
    w: randn(rng, numel(ws), 1 / Math.sqrt(C * R * S)),
    mask: density === null ? null : randomMask(rng, numel(ws), density),
    bias: randn(rng, K, 0.1),
    dy: randn(rng, numel(ys)),
  });
  const geo = { stride, padding };
  return [
    parityCase('conv2dForward', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const y = conv2dForward(ctx.up(i.x, xs), ctx.up(i.w, ws), { ...geo, mask, bias: bias ? ctx.up(i.bias, [K]) : null });
      return { y: float(ctx.down(y), { terms: C * R * S }) };
    }),
    parityCase('conv2dBackwardData', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const dx = conv2dBackwardData(ctx.up(i.dy, ys), ctx.up(i.w, ws), xs, { ...geo, mask });
      return { dx: float(ctx.down(dx), { terms: K * R * S }) };
    }),
    parityCase('conv2dBackwardFilter', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const g = conv2dBackwardFilter(ctx.up(i.x, xs), ctx.up(i.dy, ys), ws, { ...geo, mask });
      return {
        dw: float(ctx.down(g.dw), { terms: N * P * Q, zeroWhere: i.mask }),
        db: float(ctx.down(g.db!), { terms: N * P * Q }),
      };
    }),
  ];
}

export const conv2dParity: ParityCase[] = [
  ...realistic(convParityCases('Conv-4 layer', [8, 64, 32, 32], [64, 3, 3], [1, 1], [1, 1], 0.3, true)),
  ...convParityCases('ResNet-20 stride-2 3x3', [4, 16, 32, 32], [32, 3, 3], [2, 2], [1, 1], 0.5, false),
  ...convParityCases('ResNet-20 stride-2 1x1 shortcut', [4, 16, 32, 32], [32, 1, 1], [2, 2], [0, 0], null, false),
  ...convParityCases('ResNet-20 stride-2 3x3 (32→64)', [4, 32, 16, 16], [64, 3, 3], [2, 2], [1, 1], 0.8, true),
  ...convParityCases('odd', [3, 3, 7, 5], [5, 3, 2], [2, 1], [1, 0], 0.6, true),
  ...convParityCases('kernel = padded input', [2, 4, 5, 5], [3, 5, 5], [1, 1], [0, 0], null, true),
  ...convParityCases('density 0', [2, 3, 6, 6], [4, 3, 3], [1, 1], [1, 1], 0, true),
  ...convParityCases('1x1', [1, 1, 1, 1], [1, 1, 1], [1, 1], [0, 0], 1, true),
  ...convParityCases('empty batch', [0, 3, 5, 5], [2, 3, 3], [1, 1], [1, 1], 0.5, true),
];
