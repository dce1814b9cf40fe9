// The CSR case table: densities 0 .. 1, empty rows, 1×1, N = 1 (SpMV), 7, 60, 512, sizes that do not divide
// the 16-float vectors or the 256-column tiles, and the LeNet layer shapes.
import { csrFromArrays, csrToDense, denseNnz, denseToCsr, type CsrArrays } from '../../lib/index.js';
import { exact, parityCase, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface SparseCase {
  rows: number;
  cols: number;
  density: number;
  /** Rows forced empty (every 3rd row) on top of the random structure. */
  emptyRows: boolean;
  /** Structure from a mask (else from W's zeros). */
  useMask: boolean;
  N: number[];
  bias: boolean;
  relu: boolean;
}

export const sparseCases: SparseCase[] = [
  { rows: 1, cols: 1, density: 1, emptyRows: false, useMask: false, N: [1, 7], bias: true, relu: false },
  { rows: 1, cols: 1, density: 0, emptyRows: false, useMask: true, N: [1, 3], bias: true, relu: true },
  { rows: 5, cols: 3, density: 0.5, emptyRows: true, useMask: true, N: [1, 2, 17], bias: false, relu: false },
  { rows: 37, cols: 29, density: 0.1, emptyRows: false, useMask: false, N: [1, 7, 60], bias: true, relu: true },
  { rows: 300, cols: 784, density: 0.01, emptyRows: false, useMask: true, N: [1, 60, 512], bias: true, relu: true },
  { rows: 300, cols: 784, density: 0.1, emptyRows: false, useMask: true, N: [1, 60], bias: true, relu: true },
  { rows: 100, cols: 300, density: 0.5, emptyRows: true, useMask: false, N: [1, 7, 60, 129, 300, 512], bias: true, relu: false },
  { rows: 10, cols: 100, density: 1, emptyRows: false, useMask: false, N: [1, 60, 144], bias: false, relu: true },
  { rows: 64, cols: 33, density: 0, emptyRows: false, useMask: false, N: [1, 16, 31], bias: true, relu: true },
  { rows: 0, cols: 5, density: 0.5, emptyRows: false, useMask: true, N: [4], bias: false, relu: false },
  { rows: 4, cols: 0, density: 0.5, emptyRows: false, useMask: true, N: [3], bias: true, relu: false },
];

// Cross-target parity cases for the CSR conversions (denseNnz, denseToCsr, csrToDense; test/support/parity.ts):
// structure and values bit for bit. randomCsr and csrSpecs are shared with csr_spmm.ts.
export interface CsrSpec {
  name: string;
  rows: number;
  cols: number;
  density: number;
  emptyRows: boolean;
}

/** A random CSR matrix (every 3rd row empty when asked). */
export function randomCsr(rng: Rng, s: CsrSpec): CsrArrays {
  const rowptr = new Int32Array(s.rows + 1);
  const colidx: number[] = [];
  for (let r = 0; r < s.rows; r++) {
    if (!(s.emptyRows && r % 3 === 0)) for (let c = 0; c < s.cols; c++) if (rng.next() < s.density) colidx.push(c);
    rowptr[r + 1] = colidx.length;
  }
  return { rows: s.rows, cols: s.cols, rowptr, colidx: Int32Array.from(colidx), values: randn(rng, colidx.length) };
}

const dense2csrSpecs: Array<{ name: string; rows: number; cols: number; zeros: number; mask: number | null }> = [
  { name: 'LeNet fc1, 90% zeros, with -0 and NaN', rows: 300, cols: 784, zeros: 0.9, mask: null },
  { name: 'LeNet fc1 from a mask (zeros of W at alive positions are stored)', rows: 300, cols: 784, zeros: 0.3, mask: 0.1 },
  { name: 'odd, empty rows', rows: 37, cols: 29, zeros: 0.8, mask: null },
  { name: 'all zero', rows: 5, cols: 9, zeros: 1, mask: null },
  { name: '1x1', rows: 1, cols: 1, zeros: 0, mask: null },
  { name: 'no rows', rows: 0, cols: 5, zeros: 0.5, mask: 0.5 },
  { name: 'no columns', rows: 4, cols: 0, zeros: 0.5, mask: null },
];

const denseToCsrParity: ParityCase[] = dense2csrSpecs.flatMap((s) => {
  const shape = [s.rows, s.cols];
  const label = `${s.name}: [${shape}]`;
  const inputs = (rng: Rng) => {
    const w = randn(rng, s.rows * s.cols);
    for (let k = 0; k < w.length; k++) if (rng.next() < s.zeros) w[k] = rng.next() < 0.2 ? -0 : 0;
    if (s.name.includes('NaN')) for (let k = 3; k < w.length; k += 997) w[k] = NaN;
    if (s.name.startsWith('odd')) for (let r = 0; r < s.rows; r += 4) w.fill(0, r * s.cols, (r + 1) * s.cols);
    return { w, mask: s.mask === null ? null : randomMask(rng, w.length, s.mask) };
  };
  return [
    parityCase('denseNnz', label, inputs, (ctx, i) => ({
      nnz: exact(denseNnz(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null })),
    })),
    parityCase('denseToCsr', label, inputs, (ctx, i) => {
      const A = denseToCsr(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null });
      return {
        rowptr: exact(ctx.down(A.rowptr)),
        colidx: exact(ctx.down(A.colidx)),
        values: exact(ctx.down(A.values)),
      };
    }),
  ];
});

export const csrSpecs: CsrSpec[] = [
  { name: 'LeNet fc1 at 10%', rows: 300, cols: 784, density: 0.1, emptyRows: false },
  { name: 'LeNet fc2 at 20%, empty rows', rows: 100, cols: 300, density: 0.2, emptyRows: true },
  { name: 'odd, empty rows', rows: 37, cols: 53, density: 0.3, emptyRows: true },
  { name: 'density 0', rows: 64, cols: 33, density: 0, emptyRows: false },
  { name: 'density 1', rows: 10, cols: 100, density: 1, emptyRows: false },
  { name: '1x1', rows: 1, cols: 1, density: 1, emptyRows: false },
  { name: 'no rows', rows: 0, cols: 5, density: 0.5, emptyRows: false },
];

const csrToDenseParity: ParityCase[] = csrSpecs.map((s) =>
  parityCase(
    'csrToDense',
    `${s.name}: [${s.rows},${s.cols}]`,
    (rng) => randomCsr(rng, s),
    (ctx, a) => {
      const A = csrFromArrays(a, { device: ctx.device });
      ctx.track(A.rowptr);
      ctx.track(A.colidx);
      ctx.track(A.values);
      return { W: exact(ctx.down(csrToDense(A))) };
    },
  ),
);

export const csrConvertParity: ParityCase[] = [...denseToCsrParity, ...csrToDenseParity];
