// Case table for batch norm: shapes of rank 2, 3 and 4, tiny and realistic; with and without gamma/beta.
import { batchNormBackward, batchNormEval, batchNormTrain } from '../../lib/index.js';
import { maxAbs, numel, shift } from '../support/case-inputs.js';
import { float, parityCase, realistic, type ParityCase } from '../support/parity.js';
import { randn, uniform, type Rng } from '../support/random.js';
export interface BatchNormCase {
  shape: number[]; // [N, C, ...]
  affine: boolean; // gamma/beta given (else null: 1 and 0)
  eps: number;
  momentum: number;
}

export const batchNormCases: BatchNormCase[] = [
  { shape: [2, 1], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [7, 3], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [4, 5, 3], affine: false, eps: 1e-3, momentum: 0.5 },
  { shape: [4, 3, 5, 5], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [1, 2, 3, 1], affine: true, eps: 1e-5, momentum: 1 },
  { shape: [3, 7, 9, 11], affine: true, eps: 1e-5, momentum: 0 },
  { shape: [32, 64, 16, 16], affine: true, eps: 1e-5, momentum: 0.1 },
];

// Cross-target parity cases for batch norm (test/support/parity.ts): dx scaled by its terms where it cancels.
interface BnSpec {
  name: string;
  shape: number[];
  affine: boolean;
  running: boolean;
  mean: number;
  std: number;
  /** Model-sized: left out under LTH_PARITY_SIZES=small. */
  realistic?: boolean;
}

/** Per-channel mean and 1/sqrt(biased var + eps) of x, in float64, rounded to float32. */
function batchStats(x: Float32Array, shape: number[], eps: number): { mean: Float32Array; invstd: Float32Array } {
  const [N, C] = [shape[0]!, shape[1]!];
  const HW = numel(shape.slice(2));
  const mean = new Float32Array(C);
  const invstd = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) s += x[(n * C + c) * HW + k]!;
    const m = s / (N * HW);
    let v = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) v += (x[(n * C + c) * HW + k]! - m) ** 2;
    mean[c] = m;
    invstd[c] = 1 / Math.sqrt(v / (N * HW) + eps);
  }
  return { mean, invstd };
}

const bnSpecs: BnSpec[] = [
  { name: 'Conv-4 layer', shape: [8, 64, 32, 32], affine: true, running: true, mean: 0.5, std: 2, realistic: true },
  { name: 'ResNet-20 stage 1', shape: [8, 16, 32, 32], affine: true, running: true, mean: 0, std: 1 },
  { name: 'large offset (cancellation)', shape: [4, 8, 16, 16], affine: true, running: true, mean: 100, std: 0.5 },
  { name: 'BatchNorm1d LeNet', shape: [60, 300], affine: true, running: true, mean: -1, std: 3, realistic: true },
  { name: 'odd, no affine, no running stats', shape: [3, 5, 7, 3], affine: false, running: false, mean: 0.2, std: 1 },
  { name: 'rank 3', shape: [4, 5, 3], affine: true, running: true, mean: 0, std: 1 },
  { name: 'two values per channel', shape: [2, 3], affine: true, running: true, mean: 0, std: 1 },
  { name: 'N = 1', shape: [1, 4, 1, 2], affine: true, running: true, mean: 1, std: 1 },
];

export const batchNormParity: ParityCase[] = bnSpecs.flatMap((b) => {
  const C = b.shape[1]!;
  const M = numel(b.shape) / C;
  const label = `${b.name}: [${b.shape}]`;
  const eps = 1e-5;
  const inputs = (rng: Rng) => {
    const x = shift(randn(rng, numel(b.shape), b.std), b.mean);
    return {
      x,
      gamma: shift(randn(rng, C, 0.2), 1),
      beta: randn(rng, C, 0.2),
      rm: randn(rng, C, 0.1),
      rv: uniform(rng, C, 0.5, 2),
      dy: randn(rng, numel(b.shape)),
      stats: batchStats(x, b.shape, eps),
    };
  };
  const cases = [
    parityCase('batchNormTrain', label, inputs, (ctx, i) => {
      const rm = b.running ? ctx.up(i.rm, [C]) : null;
      const rv = b.running ? ctx.up(i.rv, [C]) : null;
      const r = batchNormTrain(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        b.affine ? ctx.up(i.beta, [C]) : null,
        rm,
        rv,
        { eps, momentum: 0.1 },
      );
      const res = {
        y: float(ctx.down(r.y), { terms: M }),
        saveMean: float(ctx.down(r.saveMean), { terms: M }),
        saveInvstd: float(ctx.down(r.saveInvstd), { terms: M }),
      };
      return rm && rv ? { ...res, runningMean: float(ctx.down(rm), { terms: M }), runningVar: float(ctx.down(rv), { terms: M }) } : res;
    }),
    parityCase('batchNormEval', label, inputs, (ctx, i) => {
      const y = batchNormEval(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        b.affine ? ctx.up(i.beta, [C]) : null,
        ctx.up(i.rm, [C]),
        ctx.up(i.rv, [C]),
        { eps },
      );
      return { y: float(ctx.down(y), { rel: 1e-5 }) };
    }),
    parityCase('batchNormBackward', label, inputs, (ctx, i) => {
      const g = batchNormBackward(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        ctx.up(i.stats.mean, [C]),
        ctx.up(i.stats.invstd, [C]),
        ctx.up(i.dy, b.shape),
      );
      // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)) cancels to almost nothing when M is tiny: scale by its terms.
      const scale = maxAbs(b.affine ? i.gamma : [1]) * maxAbs(i.stats.invstd) * maxAbs(i.dy);
      return {
        dx: float(ctx.down(g.dx!), { terms: M, scale }),
        dgamma: float(ctx.down(g.dgamma!), { terms: M }),
        dbeta: float(ctx.down(g.dbeta!), { terms: M }),
      };
    }),
  ];
  return b.realistic ? realistic(cases) : cases;
});
