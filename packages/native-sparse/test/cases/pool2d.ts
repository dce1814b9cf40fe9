// The pooling case table: the common 2×2/2, overlapping 3×3/2 pad 1 (ResNet stem), 3×3/1 pad 1, odd sizes
// where floor drops the last row/column, rectangular kernels and strides, 1×1, and a Conv-4-sized layer.
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, pool2dOutputShape } from '../../lib/index.js';
import { numel, shift, ties } from '../support/case-inputs.js';
import { exact, float, parityCase, realistic, type ParityCase, same, thrown } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
export interface PoolCase {
  name: string;
  N: number;
  C: number;
  H: number;
  W: number;
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
}

const p = (name: string, [N, C, H, W]: number[], kernel: [number, number], stride: [number, number], pad: [number, number]): PoolCase => ({
  name,
  N: N!,
  C: C!,
  H: H!,
  W: W!,
  kernel,
  stride,
  pad,
});

export const poolCases: PoolCase[] = [
  p('2x2 stride 2', [2, 3, 8, 8], [2, 2], [2, 2], [0, 0]),
  p('2x2 stride 2 odd size', [2, 3, 7, 9], [2, 2], [2, 2], [0, 0]),
  p('3x3 stride 2 pad 1', [2, 4, 9, 7], [3, 3], [2, 2], [1, 1]),
  p('3x3 stride 1 pad 1', [1, 2, 5, 6], [3, 3], [1, 1], [1, 1]),
  p('3x2 kernel stride [1,2] pad [1,0]', [2, 2, 6, 7], [3, 2], [1, 2], [1, 0]),
  p('1x1', [2, 3, 4, 5], [1, 1], [1, 1], [0, 0]),
  p('window = input', [3, 2, 5, 5], [5, 5], [5, 5], [0, 0]),
  p('4x4 stride 3 pad 2', [1, 3, 10, 11], [4, 4], [3, 3], [2, 2]),
  p('Conv-4 pool', [16, 64, 32, 32], [2, 2], [2, 2], [0, 0]),
];

// Cross-target parity cases for max and average pooling (test/support/parity.ts): ties, all-negative inputs
// (padding acts as -inf), constant inputs, odd sizes and strides.
type P2 = [number, number];

type Values = 'gauss' | 'ties' | 'negative' | 'constant';

function poolValues(rng: Rng, n: number, v: Values): Float32Array {
  if (v === 'ties') return ties(rng, n, 1, 1); // {−1, 0, 1}: ties in most windows
  if (v === 'constant') return new Float32Array(n).fill(0.5);
  const a = randn(rng, n);
  return v === 'negative' ? shift(a, -10) : a; // all negative: padding must act as −inf, not 0
}

/** For each output window, a random in-bounds input position (flat h·W + w), like a max-pool argmax. */
function randomArgmax(rng: Rng, [N, C, H, W]: number[], [P, Q]: number[], [kh, kw]: P2, [sh, sw]: P2, [ph, pw]: P2): Int32Array {
  const a = new Int32Array(N! * C! * P! * Q!);
  let o = 0;
  for (let nc = 0; nc < N! * C!; nc++) {
    for (let p = 0; p < P!; p++) {
      for (let q = 0; q < Q!; q++) {
        const h0 = Math.max(0, p * sh - ph);
        const h1 = Math.min(H!, p * sh - ph + kh);
        const w0 = Math.max(0, q * sw - pw);
        const w1 = Math.min(W!, q * sw - pw + kw);
        a[o++] = (h0 + rng.int(h1 - h0)) * W! + (w0 + rng.int(w1 - w0));
      }
    }
  }
  return a;
}

function maxPoolCases(name: string, xs: number[], kernelSize: P2, stride: P2, padding: P2, values: Values): ParityCase[] {
  const geo = { kernelSize, stride, padding };
  const ys = pool2dOutputShape(xs, geo);
  const label = `${name}: x [${xs}] kernel ${kernelSize} stride ${stride} pad ${padding}, ${values} values`;
  const overlap = Math.ceil(kernelSize[0] / stride[0]) * Math.ceil(kernelSize[1] / stride[1]);
  const inputs = (rng: Rng) => ({
    x: poolValues(rng, numel(xs), values),
    dy: randn(rng, numel(ys)),
    argmax: randomArgmax(rng, xs, ys.slice(2), kernelSize, stride, padding),
  });
  return [
    parityCase('maxPool2d', label, inputs, (ctx, i) => {
      const r = maxPool2d(ctx.up(i.x, xs), geo);
      return { y: same(ctx.down(r.y)), argmax: exact(ctx.down(r.argmax)) };
    }),
    parityCase('maxPool2dBackward', label, inputs, (ctx, i) => {
      const dx = maxPool2dBackward(ctx.up(i.dy, ys), ctx.up(i.argmax, ys), xs, geo);
      return { dx: float(ctx.down(dx), { terms: overlap }) };
    }),
  ];
}

function avgPoolCases(name: string, xs: number[], kernelSize: P2, stride: P2, padding: P2): ParityCase[] {
  const out: ParityCase[] = [];
  for (const countIncludePad of [true, false]) {
    const geo = { kernelSize, stride, padding, countIncludePad };
    const ys = pool2dOutputShape(xs, geo);
    const label = `${name}: x [${xs}] kernel ${kernelSize} stride ${stride} pad ${padding}, countIncludePad ${countIncludePad}`;
    const inputs = (rng: Rng) => ({ x: randn(rng, numel(xs)), dy: randn(rng, numel(ys)) });
    const overlap = Math.ceil(kernelSize[0] / stride[0]) * Math.ceil(kernelSize[1] / stride[1]);
    out.push(
      parityCase('avgPool2d', label, inputs, (ctx, i) => ({
        y: float(ctx.down(avgPool2d(ctx.up(i.x, xs), geo)), { terms: kernelSize[0] * kernelSize[1] }),
      })),
      parityCase('avgPool2dBackward', label, inputs, (ctx, i) => ({
        dx: float(ctx.down(avgPool2dBackward(ctx.up(i.dy, ys), xs, geo)), { terms: overlap }),
      })),
    );
  }
  return out;
}

const pool2dValues: ParityCase[] = [
  ...realistic(maxPoolCases('Conv-4 pool', [8, 64, 32, 32], [2, 2], [2, 2], [0, 0], 'gauss')),
  ...maxPoolCases('ResNet stem 3x3/2 pad 1, ties', [2, 3, 9, 7], [3, 3], [2, 2], [1, 1], 'ties'),
  ...maxPoolCases('odd 2x2/2, ties', [2, 3, 7, 9], [2, 2], [2, 2], [0, 0], 'ties'),
  ...maxPoolCases('3x2 stride [1,2] pad [1,0], negative', [2, 2, 6, 7], [3, 2], [1, 2], [1, 0], 'negative'),
  ...maxPoolCases('4x4/3 pad 2, constant input', [1, 3, 10, 11], [4, 4], [3, 3], [2, 2], 'constant'),
  ...maxPoolCases('1x1', [1, 1, 1, 1], [1, 1], [1, 1], [0, 0], 'gauss'),
  ...maxPoolCases('empty batch', [0, 3, 4, 4], [2, 2], [2, 2], [0, 0], 'gauss'),
  ...realistic(avgPoolCases('Conv-4 pool', [8, 64, 32, 32], [2, 2], [2, 2], [0, 0])),
  ...avgPoolCases('3x3/2 pad 1', [4, 16, 8, 8], [3, 3], [2, 2], [1, 1]),
  ...avgPoolCases('odd 3x2 stride [2,1] pad [1,1]', [2, 3, 7, 5], [3, 2], [2, 1], [1, 1]),
  ...avgPoolCases('1x1', [1, 1, 1, 1], [1, 1], [1, 1], [0, 0]),
  ...avgPoolCases('empty batch', [0, 2, 5, 5], [3, 3], [2, 2], [1, 1]),
];

// A max-pool argmax outside its input plane (one, or the first of two): ERR_ARG with the CPU's message everywhere.
const pool2dErrors: ParityCase[] = [-1, 7 * 9].map((bad) => {
  const xs = [2, 3, 7, 9];
  const geo = { kernelSize: [2, 2] as P2, stride: [2, 2] as P2, padding: [0, 0] as P2 };
  const ys = pool2dOutputShape(xs, geo);
  return parityCase(
    'maxPool2dBackward',
    `argmax ${bad} outside the 7x9 plane: refused`,
    (rng) => {
      const argmax = randomArgmax(rng, xs, ys.slice(2), geo.kernelSize, geo.stride, geo.padding);
      argmax[Math.floor(argmax.length / 2)] = bad;
      argmax[argmax.length - 1] = bad + (bad < 0 ? -5 : 5);
      return { dy: randn(rng, numel(ys)), argmax };
    },
    (ctx, i) => ({ error: thrown(() => maxPool2dBackward(ctx.up(i.dy, ys), ctx.up(i.argmax, ys), xs, geo)) }),
  );
});

export const pool2dParity: ParityCase[] = [...pool2dValues, ...pool2dErrors];
