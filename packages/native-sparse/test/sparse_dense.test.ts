// The sparse fully connected layer against the masked dense layer of the same mask (the op's definition), on every
// kernel target: forward and backward to fp32 rounding (test/support/parity.ts's tolerance rules), the structure
// against one built here, a caller's dW untouched at pruned entries, the optimizer steps at a structure's positions
// equal to the masked steps there (same arithmetic: bit for bit) and untouched elsewhere, and bad inputs refused
// with ERR_* codes.
import { expect, it } from 'vitest';
import {
  adamStep,
  fromArray,
  maskedDenseBackward,
  maskedDenseForward,
  sgdStep,
  sparseDenseBackward,
  sparseDenseForward,
  sparseDenseStructure,
  zeros,
  type Device,
  type Tensor,
} from '../lib/index.js';
import { sparseDenseCases, sparseDenseInputs, upload } from './cases/sparse_dense.js';
import { describeEachTarget } from './support/devices.js';
import { compareOutputs, float, RunContext } from './support/parity.js';
import { randn, randomMask, Rng } from './support/random.js';
import { errorCode as code, tensorTracker } from './support/tensors.js';

const track = tensorTracker();

/** CSR, CSC and positions of mask [Out, In], built the obvious way. */
function structureOf(mask: Uint8Array, Out: number, In: number) {
  const rowPtr = [0];
  const colIdx: number[] = [];
  const positions: number[] = [];
  for (let o = 0; o < Out; o++) {
    for (let i = 0; i < In; i++) if (mask[o * In + i]) (colIdx.push(i), positions.push(o * In + i));
    rowPtr.push(colIdx.length);
  }
  const colPtr = [0];
  const rowIdx: number[] = [];
  for (let i = 0; i < In; i++) {
    for (let o = 0; o < Out; o++) if (mask[o * In + i]) rowIdx.push(o);
    colPtr.push(rowIdx.length);
  }
  return { rowPtr, colIdx, colPtr, rowIdx, positions };
}

describeEachTarget('sparse dense layer', (target) => {
  const device: Device = target.device;
  for (const c of sparseDenseCases) {
    it(`${c.name}: B ${c.B}, ${c.In}→${c.Out}, density ${c.density}: equals maskedDense of the same mask`, () => {
      const i = sparseDenseInputs(c)(new Rng(0x5eed + c.B * 7919 + c.In * 31 + c.Out));
      const ctx = new RunContext(device);
      try {
        const { x, W, bias, dy, s } = upload(ctx, c, i);
        const mask = ctx.up(i.mask, [c.Out, c.In]);
        const want = structureOf(i.mask, c.Out, c.In);
        expect(s.nnz).toBe(want.positions.length);
        expect([s.outFeatures, s.inFeatures, s.device]).toEqual([c.Out, c.In, device]);
        for (const k of ['rowPtr', 'colIdx', 'colPtr', 'rowIdx', 'positions'] as const) {
          expect(Array.from(s[k].download()), k).toEqual(want[k]);
        }
        const y = { y: float(ctx.down(sparseDenseForward(x, W, s, { bias, relu: c.relu })), { terms: c.In }) };
        const yRef = { y: float(ctx.down(maskedDenseForward(x, W, { mask, bias, relu: c.relu })), { terms: c.In }) };
        compareOutputs(`${c.name} forward`, yRef, y);
        const g = sparseDenseBackward(x, W, dy, s);
        const r = maskedDenseBackward(x, W, dy, { mask });
        const grads = (t: typeof g) => ({
          dx: float(ctx.down(t.dx!), { terms: c.Out }),
          dW: float(ctx.down(t.dW!), { terms: c.B, zeroWhere: i.mask }),
          db: float(ctx.down(t.db!), { terms: c.B }),
        });
        compareOutputs(`${c.name} backward`, grads(r), grads(g));
      } finally {
        ctx.dispose();
      }
    });
  }

  it("writes a caller's dW only at the nonzeros, and computes only the gradients asked for", () => {
    const [B, In, Out] = [9, 23, 11];
    const rng = new Rng(77);
    const maskArr = randomMask(rng, Out * In, 0.4);
    const opts = { device };
    const x = track(fromArray(randn(rng, B * In), [B, In], opts));
    const W = track(fromArray(randn(rng, Out * In), [Out, In], opts));
    const dy = track(fromArray(randn(rng, B * Out), [B, Out], opts));
    const mask = track(fromArray(maskArr, [Out, In], opts));
    const s = sparseDenseStructure(mask);
    try {
      const dW = track(fromArray(new Float32Array(Out * In).fill(7), [Out, In], opts));
      const g = sparseDenseBackward(x, W, dy, s, { dW, dx: false, db: false });
      expect(g.dW).toBe(dW);
      expect([g.dx, g.db]).toEqual([null, null]);
      const ref = track(maskedDenseBackward(x, W, dy, { mask, dx: false, db: false }).dW!).download();
      const got = dW.download();
      for (let k = 0; k < Out * In; k++) {
        if (maskArr[k]) expect(Math.abs(got[k]! - ref[k]!)).toBeLessThan(1e-5);
        else expect(got[k]).toBe(7);
      }
    } finally {
      s.dispose();
    }
  });

  it('sgdStep and adamStep with positions equal the masked steps at the positions and leave the rest as it was', () => {
    const n = 5003;
    const rng = new Rng(99);
    const maskArr = randomMask(rng, n, 0.3);
    const opts = { device };
    const mask = track(fromArray(maskArr, [1, n], opts));
    const s = sparseDenseStructure(mask);
    const w0 = randn(rng, n);
    const g0 = randn(rng, n);
    const m0 = randn(rng, n, 0.1);
    const v0 = randn(rng, n, 0.01).map(Math.abs);
    const t = (a: Float32Array) => track(fromArray(a.slice(), [n], opts));
    const check = (masked: Tensor<'f32'>, atPositions: Tensor<'f32'>, before: Float32Array, what: string) => {
      const a = masked.download();
      const b = atPositions.download();
      for (let k = 0; k < n; k++) {
        if (maskArr[k]) expect(b[k], `${what}[${k}]`).toBe(a[k]);
        else expect(b[k], `${what}[${k}] untouched`).toBe(before[k]);
      }
    };
    try {
      for (const p of [
        { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
        { lr: 0.05, momentum: 0.5, dampening: 0.1 },
      ]) {
        const [w1, vel1, w2, vel2] = [t(w0), t(m0), t(w0), t(m0)];
        sgdStep(w1, t(g0), { ...p, mask, velocity: vel1 });
        sgdStep(w2, t(g0), { ...p, positions: s.positions, velocity: vel2 });
        check(w1, w2, w0, 'sgd w');
        check(vel1, vel2, m0, 'sgd velocity');
      }
      for (const p of [
        { lr: 1e-3, step: 3 },
        { lr: 1e-3, step: 1, weightDecay: 1e-2, decoupled: true },
        { lr: 2e-3, step: 5, weightDecay: 1e-2 },
      ]) {
        const [w1, m1, v1, w2, m2, v2] = [t(w0), t(m0), t(v0), t(w0), t(m0), t(v0)];
        adamStep(w1, t(g0), { ...p, mask, m: m1, v: v1 });
        adamStep(w2, t(g0), { ...p, positions: s.positions, m: m2, v: v2 });
        check(w1, w2, w0, 'adam w');
        check(m1, m2, m0, 'adam m');
        check(v1, v2, v0, 'adam v');
      }
    } finally {
      s.dispose();
    }
  });

  it('refuses bad inputs with ERR_* codes and writes nothing', () => {
    const opts = { device };
    const f32 = (shape: number[]) => track(zeros(shape, opts));
    const mask = track(fromArray(Uint8Array.from([1, 0, 1, 1, 0, 1]), [2, 3], opts));
    const s = sparseDenseStructure(mask);
    const other = sparseDenseStructure(track(fromArray(new Uint8Array(12).fill(1), [3, 4], opts)));
    try {
      const [x, W, dy] = [f32([4, 3]), f32([2, 3]), f32([4, 2])];
      expect(code(() => sparseDenseStructure(f32([2, 3]) as unknown as Tensor<'u8'>))).toBe('ERR_DTYPE');
      expect(code(() => sparseDenseStructure(track(zeros([6], { ...opts, dtype: 'u8' }))))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(f32([4, 5]), W, s))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(x, f32([3, 3]), s))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(x, W, other))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseBackward(x, W, dy, other))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseBackward(x, W, f32([4, 3]), s))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(x, W, s, { bias: f32([3]) }))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(x, W, s, { out: f32([4, 3]) }))).toBe('ERR_SHAPE');
      expect(code(() => sparseDenseForward(x, W, null as unknown as typeof s))).toBe('ERR_ARG');
      expect(code(() => sparseDenseForward(x, W, { ...s, colIdx: f32([4]) } as unknown as typeof s))).toBe('ERR_DTYPE');
      expect(code(() => sparseDenseForward(x, W, { ...s, rowPtr: other.rowPtr }))).toBe('ERR_SHAPE');
      // A structure whose contents were overwritten: an index out of range, pointers that decrease.
      const badCols = track(fromArray(Int32Array.from([0, 3, 1, 2]), [4], opts));
      expect(code(() => sparseDenseForward(x, W, { ...s, colIdx: badCols }))).toBe('ERR_ARG');
      expect(code(() => sparseDenseBackward(x, W, dy, { ...s, colIdx: badCols }))).toBe('ERR_ARG');
      const badRowIdx = track(fromArray(Int32Array.from([0, 1, 2, 1]), [4], opts));
      expect(code(() => sparseDenseBackward(x, W, dy, { ...s, rowIdx: badRowIdx }))).toBe('ERR_ARG');
      const badPtr = track(fromArray(Int32Array.from([0, 3, 2]), [3], opts));
      const y = track(fromArray(new Float32Array(8).fill(5), [4, 2], opts));
      expect(code(() => sparseDenseForward(x, W, { ...s, rowPtr: badPtr }, { out: y }))).toBe('ERR_ARG');
      expect(Array.from(y.download())).toEqual(new Array(8).fill(5));
      // Optimizer positions.
      const w = f32([6]);
      const g = f32([6]);
      const pos = (a: number[]) => track(fromArray(Int32Array.from(a), [a.length], opts));
      expect(code(() => sgdStep(w, g, { lr: 0.1, mask, positions: s.positions }))).toBe('ERR_ARG');
      expect(code(() => adamStep(w, g, { lr: 0.1, step: 1, m: f32([6]), v: f32([6]), mask, positions: s.positions }))).toBe('ERR_ARG');
      expect(code(() => sgdStep(w, g, { lr: 0.1, positions: g as unknown as Tensor<'i32'> }))).toBe('ERR_DTYPE');
      for (const bad of [
        [0, 6],
        [-1, 2],
        [2, 2],
        [3, 1],
      ]) {
        expect(
          code(() => sgdStep(w, g, { lr: 0.1, positions: pos(bad) })),
          `sgd ${bad}`,
        ).toBe('ERR_ARG');
        expect(
          code(() => adamStep(w, g, { lr: 0.1, step: 1, m: f32([6]), v: f32([6]), positions: pos(bad) })),
          `adam ${bad}`,
        ).toBe('ERR_ARG');
      }
    } finally {
      s.dispose();
      other.dispose();
    }
  });
});
