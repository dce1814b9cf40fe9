// Case table for csrSpmm: cross-target parity over the CSR cases of csr_convert.ts (the table sparse.test.ts reads),
// at each case's products (B's width, bias, ReLU).
import { csrFromArrays, csrSpmm, csrToDense, type CsrArrays, type CsrMatrixData } from '../../lib/index.js';
import { float, parityCase, thrown, type ParityCase, type RunContext } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
import { randomCsr, sparseCases } from './csr_convert.js';

const csrSpmmValues: ParityCase[] = sparseCases.flatMap((s) =>
  s.spmm.map(({ N, bias, relu: reluOn }) =>
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
      s.size,
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
