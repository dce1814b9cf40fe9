// Case table for csrSpmm: cross-target parity over the CSR shapes of csr_convert.ts at N = 60, 1, 7, 0.
import { csrFromArrays, csrSpmm, relu } from '../../lib/index.js';
import { float, parityCase, type ParityCase } from '../support/parity.js';
import { randn } from '../support/random.js';
import { csrSpecs, randomCsr } from './csr_convert.js';

export const csrSpmmParity: ParityCase[] = csrSpecs.flatMap((s) =>
  (
    [
      [60, true, true],
      [1, true, false],
      [7, false, true],
      [0, true, true],
    ] as Array<[number, boolean, boolean]>
  ).map(([N, bias, reluOn]) =>
    parityCase(
      'csrSpmm',
      `${s.name}: [${s.rows},${s.cols}] × [${s.cols},${N}]${bias ? ', bias' : ''}${reluOn ? ', relu' : ''}`,
      (rng) => ({ a: randomCsr(rng, s), b: randn(rng, s.cols * N), bias: randn(rng, s.rows, 0.5) }),
      (ctx, i) => {
        const A = csrFromArrays(i.a, { device: ctx.device });
        ctx.track(A.rowptr);
        ctx.track(A.colidx);
        ctx.track(A.values);
        const C = csrSpmm(A, ctx.up(i.b, [s.cols, N]), { bias: bias ? ctx.up(i.bias, [s.rows]) : null, relu: reluOn });
        return { C: float(ctx.down(C), { terms: s.cols }) };
      },
    ),
  ),
);
