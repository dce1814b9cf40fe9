// gatherRows: values against a JS gather on every kernel target, and its argument errors.
import { expect, it } from 'vitest';
import { fromArray, gatherRows, zeros } from '../lib/index.js';
import { gatherCases } from './cases/gather_rows.js';
import { expectEqualArrays } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { randn, Rng } from './support/random.js';
import { errorCode as code, tensorTracker } from './support/tensors.js';

const track = tensorTracker();

function gatherRef<A extends Float32Array | Int32Array>(table: A, width: number, index: Int32Array, make: (n: number) => A): A {
  const out = make(index.length * width);
  index.forEach((r, k) => out.set(table.subarray(r * width, (r + 1) * width), k * width));
  return out;
}

describeEachTarget('gatherRows', (target) => {
  const dev = { device: target.device } as const;
  for (const { name, rows, row, n } of gatherCases) {
    it(`${name}: [${rows},${row}] by ${n} indices, f32 and i32`, () => {
      const rng = new Rng(rows + n);
      const width = row.reduce((a, b) => a * b, 1);
      const table = randn(rng, rows * width);
      const labels = Int32Array.from({ length: rows * width }, () => rng.int(1 << 30) - (1 << 29));
      const index = Int32Array.from({ length: n }, () => rng.int(rows));
      const I = track(fromArray(index, [n], dev));
      const X = track(gatherRows(track(fromArray(table, [rows, ...row], dev)), I));
      expect(X.shape).toEqual([n, ...row]);
      expectEqualArrays(
        X.download(),
        gatherRef(table, width, index, (m) => new Float32Array(m)),
        'f32 rows',
      );
      const out = track(zeros([n, ...row], { dtype: 'i32', ...dev }));
      expect(gatherRows(track(fromArray(labels, [rows, ...row], dev)), I, { out })).toBe(out);
      expectEqualArrays(
        out.download(),
        gatherRef(labels, width, index, (m) => new Int32Array(m)),
        'i32 rows',
      );
    });
  }

  it('an index outside the table is ERR_ARG (the CPU writes nothing)', () => {
    const table = track(fromArray(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], dev));
    const out = track(fromArray(new Float32Array([9, 9, 9, 9]), [2, 2], dev));
    for (const bad of [3, -1]) {
      const I = track(fromArray(new Int32Array([0, bad]), [2], dev));
      expect(code(() => gatherRows(table, I, { out }))).toBe('ERR_ARG');
    }
    if (target.device === 'cpu') expectEqualArrays(out.download(), new Float32Array([9, 9, 9, 9]), 'out untouched');
  });

  it('out sharing memory with the table is ERR_ALIAS', () => {
    const t = track(fromArray(new Float32Array([1, 2, 3, 4]), [2, 2], dev));
    expect(code(() => gatherRows(t, track(fromArray(new Int32Array([1, 0]), [2], dev)), { out: t }))).toBe('ERR_ALIAS');
  });

  it('wrong dtypes and shapes are clear errors', () => {
    const table = track(fromArray(new Float32Array(6), [3, 2], dev));
    const I = track(fromArray(new Int32Array([0, 1]), [2], dev));
    expect(code(() => gatherRows(table, track(fromArray(new Float32Array([0, 1]), [2], dev)) as never))).toBe('ERR_DTYPE');
    expect(code(() => gatherRows(table, track(fromArray(new Int32Array([0, 1]), [1, 2], dev))))).toBe('ERR_SHAPE');
    expect(code(() => gatherRows(table, I, { out: track(zeros<'f32'>([2, 3], dev)) }))).toBe('ERR_SHAPE');
    expect(code(() => gatherRows(table, I, { out: track(zeros([2, 2], { dtype: 'i32', ...dev })) as unknown as typeof table }))).toBe(
      'ERR_DTYPE',
    );
    expect(code(() => gatherRows(track(fromArray(new Uint8Array(6), [3, 2], dev)) as never, I))).toBe('ERR_DTYPE');
  });
});
