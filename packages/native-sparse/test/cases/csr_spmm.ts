// Case table for csrSpmm: cross-target parity over the CSR shapes of csr_convert.ts at N = 60, 1, 7, 0.
import { csrFromArrays, csrSpmm, csrToDense, type CsrArrays, type CsrMatrixData } from '../../lib/index.js';
import { float, parityCase, thrown, type ParityCase, type RunContext } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
import { csrSpecs, randomCsr } from './csr_convert.js';

const csrSpmmValues: ParityCase[] = csrSpecs.flatMap((s) =>
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

// Malformed CSR matrices (uploaded as they are, past csrFromArrays' checks): csrToDense and csrSpmm refuse each
// with the same code and message on every target.
const malformed: Array<[string, (a: CsrArrays) => void]> = [
  ['rowptr[0] = 1', (a) => (a.rowptr[0] = 1)],
  ['rowptr[rows] short of nnz', (a) => (a.rowptr[a.rows]! -= 1)],
  [
    'decreasing rowptr',
    (a) => {
      [a.rowptr[3], a.rowptr[5]] = [a.rowptr[5]!, a.rowptr[3]!];
      if (a.rowptr[3] === a.rowptr[5]) a.rowptr[3]! += 1;
    },
  ],
  [
    'column out of range',
    (a) => {
      a.colidx[a.colidx.length >> 1] = a.cols;
      a.colidx[a.colidx.length - 1] = -1;
    },
  ],
];
const csrErrors: ParityCase[] = malformed.flatMap(([what, spoil]) => {
  const inputs = (rng: Rng) => {
    const a = randomCsr(rng, { name: 'malformed', rows: 9, cols: 40, density: 0.4, emptyRows: true });
    spoil(a);
    return { a, b: randn(rng, 40 * 5) };
  };
  const upload = (ctx: RunContext, a: CsrArrays): CsrMatrixData => ({
    rows: a.rows,
    cols: a.cols,
    nnz: a.values.length,
    device: ctx.device,
    rowptr: ctx.up(a.rowptr, [a.rows + 1]),
    colidx: ctx.up(a.colidx, [a.colidx.length]),
    values: ctx.up(a.values, [a.values.length]),
  });
  return [
    parityCase('csrToDense', `malformed (${what}): refused`, inputs, (ctx, i) => ({ error: thrown(() => csrToDense(upload(ctx, i.a))) })),
    parityCase('csrSpmm', `malformed (${what}): refused`, inputs, (ctx, i) => ({
      error: thrown(() => csrSpmm(upload(ctx, i.a), ctx.up(i.b, [40, 5]))),
    })),
  ];
});

export const csrSpmmParity: ParityCase[] = [...csrSpmmValues, ...csrErrors];
