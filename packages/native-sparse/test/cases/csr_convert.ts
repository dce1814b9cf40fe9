// The CSR case table: densities 0 .. 1, empty rows, 1×1, no rows / no columns, N = 0, 1 (SpMV), 7, 60, 512, sizes
// that do not divide the 16-float vectors or the 256-column tiles, and the LeNet layer shapes. One table:
// sparse.test.ts checks dense ⇄ CSR and csrSpmm on every case against the references, and every case is a
// cross-target parity case (test/support/parity.ts) of denseNnz, denseToCsr, csrToDense (structure and values
// bit for bit) and, at each of its `spmm` products, csrSpmm (csr_spmm.ts).
import { csrFromArrays, csrToDense, denseNnz, denseToCsr, type CsrArrays } from '../../lib/index.js';
import { exact, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';

/** The matrix randomCsr draws: every 3rd row empty when asked. */
export interface CsrSpec {
  name: string;
  rows: number;
  cols: number;
  density: number;
  emptyRows: boolean;
}

export interface SparseCase extends CsrSpec {
  /** Dense ⇄ CSR: structure from a mask (else from W's zeros). */
  useMask: boolean;
  /** Parity of denseToCsr: NaN planted in W (every 997th element). */
  nan: boolean;
  /** csrSpmm products with this matrix: B's width, bias, ReLU. */
  spmm: Array<{ N: number; bias: boolean; relu: boolean }>;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

type Products = SparseCase['spmm'];
/** Widths at one bias/ReLU setting. */
const at = (N: number[], bias: boolean, relu: boolean): Products => N.map((n) => ({ N: n, bias, relu }));
/** B's width 60 (LeNet batch), 1 (SpMV), 7 and 0 at different bias/ReLU settings. */
const mixed: Products = [
  { N: 60, bias: true, relu: true },
  { N: 1, bias: true, relu: false },
  { N: 7, bias: false, relu: true },
  { N: 0, bias: true, relu: true },
];

const sc = (
  name: string,
  [rows, cols]: [number, number],
  density: number,
  spmm: Products,
  opts: { emptyRows?: boolean; useMask?: boolean; nan?: boolean } = {},
): SparseCase => ({
  name,
  rows,
  cols,
  density,
  emptyRows: opts.emptyRows ?? false,
  useMask: opts.useMask ?? false,
  nan: opts.nan ?? false,
  spmm,
  size: 'small',
});

export const sparseCases: SparseCase[] = [
  sc('1x1', [1, 1], 1, [...at([7], true, false), ...mixed]),
  sc('1x1 density 0, mask', [1, 1], 0, at([1, 3], true, true), { useMask: true }),
  sc('5x3, empty rows, mask', [5, 3], 0.5, at([1, 2, 17], false, false), { emptyRows: true, useMask: true }),
  sc('odd', [37, 29], 0.1, at([1, 7, 60], true, true)),
  sc('LeNet fc1 at 1%, mask', [300, 784], 0.01, at([1, 60, 512], true, true), { useMask: true }),
  sc('LeNet fc1 at 10%, mask (zeros of W at alive positions are stored)', [300, 784], 0.1, at([1, 60], true, true), { useMask: true }),
  sc('LeNet fc2 at 50%, empty rows', [100, 300], 0.5, at([1, 7, 60, 129, 300, 512], true, false), { emptyRows: true }),
  sc('density 1', [10, 100], 1, [...at([1, 60, 144], false, true), ...mixed]),
  sc('density 0', [64, 33], 0, [...at([1, 16, 31], true, true), ...mixed]),
  sc('no rows', [0, 5], 0.5, [...at([4], false, false), ...mixed], { useMask: true }),
  sc('no columns', [4, 0], 0.5, at([3], true, false), { useMask: true }),
  sc('LeNet fc1 at 10%, with -0 and NaN', [300, 784], 0.1, mixed, { nan: true }),
  sc('LeNet fc2 at 20%, empty rows', [100, 300], 0.2, mixed, { emptyRows: true }),
  sc('odd, empty rows', [37, 53], 0.3, mixed, { emptyRows: true }),
  sc('odd, empty rows, 29 columns', [37, 29], 0.2, mixed, { emptyRows: true }),
  sc('all zero', [5, 9], 0, mixed),
];

/** W with the case's structure: W's zeros (±0; no mask) or a mask (W then also has ±0 at some alive places). */
export function denseWithStructure(rng: Rng, c: SparseCase): { W: Float32Array; mask: Uint8Array | null } {
  const n = c.rows * c.cols;
  const W = randn(rng, n);
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / Math.max(c.cols, 1));
    keep[i] = rng.next() < c.density && !(c.emptyRows && row % 3 === 1) ? 1 : 0;
  }
  if (c.useMask) {
    for (let i = 0; i < n; i++) if (rng.next() < 0.05) W[i] = i % 2 ? 0 : -0; // stored explicitly when alive
    return { W, mask: keep };
  }
  for (let i = 0; i < n; i++) if (!keep[i]) W[i] = i % 2 ? 0 : -0;
  return { W, mask: null };
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

const denseToCsrParity: ParityCase[] = sparseCases.flatMap((s) => {
  const shape = [s.rows, s.cols];
  const label = `${s.name}: [${shape}]`;
  const inputs = (rng: Rng) => {
    const { W: w, mask } = denseWithStructure(rng, s);
    if (s.nan) for (let k = 3; k < w.length; k += 997) w[k] = NaN;
    return { w, mask };
  };
  return [
    parityCase(
      'denseNnz',
      label,
      inputs,
      (ctx, i) => ({
        nnz: exact(denseNnz(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null })),
      }),
      s.size,
    ),
    parityCase(
      'denseToCsr',
      label,
      inputs,
      (ctx, i) => {
        const A = denseToCsr(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null });
        return {
          rowptr: exact(ctx.down(A.rowptr)),
          colidx: exact(ctx.down(A.colidx)),
          values: exact(ctx.down(A.values)),
        };
      },
      s.size,
    ),
  ];
});

const csrToDenseParity: ParityCase[] = sparseCases.map((s) =>
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
    s.size,
  ),
);

export const csrConvertParity: ParityCase[] = [...denseToCsrParity, ...csrToDenseParity];
