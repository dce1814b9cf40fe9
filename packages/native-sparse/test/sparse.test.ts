import { afterAll, expect, it } from 'vitest';
import {
  csrFromArrays,
  csrSpmm,
  csrToArrays,
  csrToDense,
  denseNnz,
  denseToCsr,
  fromArray,
  getThreads,
  setThreads,
  validateCsr,
  type CsrArrays,
  type CsrMatrix,
  type Tensor,
} from '../lib/index.js';
import { denseWithStructure, sparseCases, type SparseCase } from './cases/csr_convert.js';
import { csrSpmmRef, csrToDenseRef, denseToCsrRef } from './reference/sparse.js';
import { expectClose, expectEqualArrays, scaledAtol } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { randn, Rng } from './support/random.js';
import { errorCode as code } from './support/tensors.js';

const live: Array<{ dispose(): void }> = [];
const track = <T extends { dispose(): void }>(t: T): T => (live.push(t), t);
afterAll(() => live.forEach((t) => t.dispose()));

function expectSameCsr(got: CsrArrays, want: CsrArrays): void {
  expect([got.rows, got.cols]).toEqual([want.rows, want.cols]);
  expectEqualArrays(got.rowptr, want.rowptr, 'rowptr');
  expectEqualArrays(got.colidx, want.colidx, 'colidx');
  expectEqualArrays(got.values, want.values, 'values');
}

const caseName = (c: SparseCase) =>
  `${c.name}: ${c.rows}x${c.cols} density ${c.density}${c.emptyRows ? ' empty rows' : ''}${c.useMask ? ' mask' : ''}`;

describeEachTarget('dense ⇄ CSR', (target) => {
  const dev = { device: target.device } as const;
  for (const [k, c] of sparseCases.entries()) {
    it(caseName(c), () => {
      const { W, mask } = denseWithStructure(new Rng(100 + k), c);
      const Wt = track(fromArray(W, [c.rows, c.cols], dev));
      const Mt = mask ? track(fromArray(mask, [c.rows, c.cols], dev)) : null;
      const want = denseToCsrRef(c.rows, c.cols, W, mask);
      expect(denseNnz(Wt, { mask: Mt })).toBe(want.values.length);
      const A = track(denseToCsr(Wt, { mask: Mt }));
      expect([A.rows, A.cols, A.nnz]).toEqual([c.rows, c.cols, want.values.length]);
      expectSameCsr(csrToArrays(A), want);
      // Back to dense: W where the structure is, +0 elsewhere.
      const D = track(csrToDense(A));
      expectEqualArrays(D.download(), csrToDenseRef(want), 'dense');
      if (!mask)
        expectEqualArrays(
          D.download(),
          Float32Array.from(W, (x) => (x === 0 ? 0 : x)),
          'round trip',
        );
      // And a validated upload of the reference CSR round-trips to the same arrays.
      const B = track(csrFromArrays(want, dev));
      const D2 = track(fromArray(new Float32Array(c.rows * c.cols).fill(NaN), [c.rows, c.cols], dev));
      csrToDense(B, { out: D2 });
      expectSameCsr(csrToArrays(track(denseToCsr(D2, { mask: Mt }))), want);
    });
  }
});

describeEachTarget('csrSpmm', (target) => {
  const dev = { device: target.device } as const;
  for (const [k, c] of sparseCases.entries()) {
    for (const { N, bias: withBias, relu: withRelu } of c.spmm) {
      it(`${caseName(c)} N ${N}${withBias ? ' bias' : ''}${withRelu ? ' relu' : ''}`, () => {
        const { W, mask } = denseWithStructure(new Rng(100 + k), c);
        const a = denseToCsrRef(c.rows, c.cols, W, mask);
        const A = track(csrFromArrays(a, dev));
        const rng = new Rng(7 * k + N);
        const b = randn(rng, c.cols * N);
        const bias = withBias ? randn(rng, c.rows, 0.5) : null;
        const Bt = track(fromArray(b, [c.cols, N], dev));
        const biasT = bias ? track(fromArray(bias, [c.rows], dev)) : null;
        // The output starts as NaN: every entry (empty rows too) must be written.
        const C = track(fromArray(new Float32Array(c.rows * N).fill(NaN), [c.rows, N], dev));
        csrSpmm(A, Bt, { bias: biasT, relu: withRelu, out: C });
        const want = csrSpmmRef(a, N, b, bias, withRelu);
        expectClose(C.download(), want, { rtol: 1e-4, atol: scaledAtol(want, 1e-5) + 1e-6 }, 'C');
        const C2 = track(csrSpmm(A, Bt, { bias: biasT, relu: withRelu }));
        expectEqualArrays(C2.download(), C.download(), 'fresh output');
      });
    }
  }

  it('ReLU keeps NaN (like relu and std::max(v, 0)) on every width path', () => {
    // A [2,3] all alive; B [3,N] with one NaN in column 5: row sums through it are NaN, ReLU must not hide them.
    const A = track(denseToCsr(track(fromArray(new Float32Array([1, -2, 3, -4, 5, -6]), [2, 3], dev))));
    for (const N of [8, 16, 48, 200]) {
      const b = new Float32Array(3 * N).fill(-1);
      b[5] = NaN;
      const C = track(csrSpmm(A, track(fromArray(b, [3, N], dev)), { relu: true })).download();
      for (let i = 0; i < 2; i++) {
        expect(C[i * N + 5], `N ${N} row ${i}`).toBeNaN();
        expect(C[i * N + 4], `N ${N} row ${i}`).not.toBeNaN();
      }
    }
  });

  it('gives bit-identical results on 1 and 2 threads', () => {
    const c = sparseCases.find((s) => s.rows === 300 && s.density === 0.01)!;
    const { W, mask } = denseWithStructure(new Rng(5), c);
    const A = track(denseToCsr(track(fromArray(W, [c.rows, c.cols], dev)), { mask: track(fromArray(mask!, [c.rows, c.cols], dev)) }));
    const rng = new Rng(3);
    const before = getThreads();
    try {
      for (const N of [1, 60, 200]) {
        const Bt = track(fromArray(randn(rng, c.cols * N), [c.cols, N], dev));
        setThreads(1);
        const one = track(csrSpmm(A, Bt, { relu: true })).download();
        setThreads(2);
        const two = track(csrSpmm(A, Bt, { relu: true })).download();
        expectEqualArrays(two, one, `N ${N}`);
      }
    } finally {
      setThreads(before);
    }
  });

  it('rejects shapes with ERR_SHAPE and bad CSR contents with ERR_ARG in the addon too', () => {
    const ok = track(
      csrFromArrays({ rows: 2, cols: 3, rowptr: Int32Array.of(0, 1, 2), colidx: Int32Array.of(0, 2), values: Float32Array.of(1, 2) }, dev),
    );
    expect(code(() => csrSpmm(ok, track(fromArray(new Float32Array(8), [4, 2], dev))))).toBe('ERR_SHAPE');
    expect(
      code(() =>
        csrSpmm(ok, track(fromArray(new Float32Array(6), [3, 2], dev)), { bias: track(fromArray(new Float32Array(3), [3], dev)) }),
      ),
    ).toBe('ERR_SHAPE');
    // Hand-built CsrMatrix objects skip validateCsr: the C++ kernels must still refuse them.
    const raw = (rowptr: number[], colidx: number[], rows = 2, cols = 3): CsrMatrix => {
      const t = {
        rows,
        cols,
        nnz: colidx.length,
        device: target.device,
        rowptr: fromArray(Int32Array.from(rowptr), [rowptr.length], dev),
        colidx: fromArray(Int32Array.from(colidx), [colidx.length], dev),
        values: fromArray(new Float32Array(colidx.length).fill(1), [colidx.length], dev),
        dispose() {
          t.rowptr.dispose();
          t.colidx.dispose();
          t.values.dispose();
        },
      };
      return track(t);
    };
    const bad = [
      raw([0, 1, 2], [0, 3]), // column out of range
      raw([0, 1, 2], [0, -1]), // negative column
      raw([0, 2, 1], [0, 1]), // rowptr decreases
      raw([1, 1, 2], [0, 1]), // rowptr[0] != 0
      raw([0, 1, 1], [0, 1]), // rowptr[rows] != nnz
    ];
    for (const [i, A] of bad.entries()) {
      for (const N of [1, 5, 40]) {
        const Bt = track(fromArray(new Float32Array(3 * N), [3, N], dev));
        expect(
          code(() => csrSpmm(A, Bt)),
          `bad ${i} N ${N}`,
        ).toBe('ERR_ARG');
      }
      expect(
        code(() => csrToDense(A)),
        `bad ${i} csrToDense`,
      ).toBe('ERR_ARG');
    }
  });
});

it('validateCsr names what is wrong (ERR_ARG)', () => {
  const base = { rows: 2, cols: 3, rowptr: Int32Array.of(0, 2, 3), colidx: Int32Array.of(0, 2, 1), values: Float32Array.of(1, 2, 3) };
  expect(code(() => validateCsr(base))).toBe('none');
  const variants: Array<Partial<CsrArrays>> = [
    { rowptr: Int32Array.of(0, 2) },
    { rowptr: Int32Array.of(1, 2, 3) },
    { rowptr: Int32Array.of(0, 2, 2) },
    { rowptr: Int32Array.of(0, 4, 3) },
    { colidx: Int32Array.of(0, 3, 1) },
    { colidx: Int32Array.of(-1, 2, 1) },
    { colidx: Int32Array.of(2, 0, 1) },
    { colidx: Int32Array.of(1, 1, 1) },
    { colidx: Int32Array.of(0, 2) },
  ];
  for (const v of variants)
    expect(
      code(() => validateCsr({ ...base, ...v })),
      JSON.stringify(v),
    ).toBe('ERR_ARG');
});

it('denseToCsr rejects a mask of another shape', () => {
  const W = track(fromArray(new Float32Array(6), [2, 3]));
  const M = track(fromArray(new Uint8Array(6), [3, 2]));
  expect(code(() => denseToCsr(W, { mask: M }))).toBe('ERR_SHAPE');
  expect(code(() => denseToCsr(track(fromArray(new Float32Array(6), [6])) as Tensor<'f32'>))).toBe('ERR_SHAPE');
});
