import { expect, it } from 'vitest';
import { adamStep, fromArray, sgdStep, zeros, type Tensor } from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { adamCases } from './cases/adam_step.js';
import { alivePositions, optimLabel, optimSteps, sgdCases } from './cases/sgd_step.js';
import { adamStepRef, sgdStepRef } from './reference/optim.js';
import { expectClose } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { randn, randomMask, Rng } from './support/random.js';
import { tensorTracker, errorCode as code } from './support/tensors.js';

const track = tensorTracker();

/** Expect exact +0 at every pruned position. */
function expectZeroWhere(a: Float32Array, mask: Uint8Array | null, label: string): void {
  if (!mask) return;
  for (let i = 0; i < a.length; i++) if (!mask[i] && !Object.is(a[i], 0)) expect.fail(`${label}[${i}] pruned but ${a[i]}`);
}

/** Gradients with NaN at pruned positions: they must not leak into anything. */
function gradient(rng: Rng, n: number, mask: Uint8Array | null): Float32Array {
  const g = randn(rng, n);
  if (mask) for (let i = 0; i < n; i++) if (!mask[i]) g[i] = NaN;
  return g;
}

/** The kernels take float32 hyperparameters (SgdParams/AdamParams): the reference uses the same values. */
function f32<T extends object>(p: T): T {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? Math.fround(v) : v])) as T;
}

/** After the same steps with positions as with the mask: alive entries bit-identical to the masked steps', the rest as before. */
function expectPositionsStep(masked: Float32Array, atPositions: Float32Array, before: Float32Array, mask: Uint8Array, label: string): void {
  for (let k = 0; k < mask.length; k++) {
    if (mask[k] ? !Object.is(atPositions[k], masked[k]) : !Object.is(atPositions[k], before[k]))
      expect.fail(
        `${label}[${k}] (${mask[k] ? 'alive' : 'pruned'}): positions step ${atPositions[k]}, ${mask[k] ? `masked step ${masked[k]}` : `before ${before[k]}`}`,
      );
  }
}

describeEachTarget('sgdStep', (target) => {
  const dev = { device: target.device } as const;
  for (const [ci, c] of sgdCases.entries()) {
    const p = c.p;
    it(`${optimLabel(c)}: ${optimSteps} steps`, () => {
      const rng = new Rng(ci * 17 + 3);
      const mask = c.density === null ? null : randomMask(rng, c.n, c.density);
      const w0 = randn(rng, c.n);
      const vel0 = randn(rng, c.n, 0.1);
      const W = track(fromArray(w0, [c.n], dev));
      const M = mask ? track(fromArray(mask, [c.n], dev)) : null;
      const V = p.momentum ? track(fromArray(vel0, [c.n], dev)) : null;
      const w = Float64Array.from(w0);
      const vel = p.momentum ? Float64Array.from(vel0) : null;
      for (let s = 0; s < optimSteps; s++) {
        const g = gradient(rng, c.n, mask);
        const G = track(fromArray(g, [c.n], dev));
        sgdStep(W, G, { ...p, mask: M, velocity: V });
        sgdStepRef(f32(p), w, g, mask, vel);
      }
      const wg = W.download();
      expectClose(wg, w, { rtol: 1e-5, atol: 1e-6 }, 'w');
      expectZeroWhere(wg, mask, 'w');
      if (V) {
        const vg = V.download();
        expectClose(vg, vel!, { rtol: 1e-5, atol: 1e-6 }, 'velocity');
        expectZeroWhere(vg, mask, 'velocity');
      }
    });
    if (c.density === null) continue;
    it(`${optimLabel(c)}: ${optimSteps} steps with positions = the mask's alive indices`, () => {
      const rng = new Rng(ci * 17 + 4);
      const mask = randomMask(rng, c.n, c.density!);
      const w0 = randn(rng, c.n);
      const vel0 = randn(rng, c.n, 0.1);
      const up = <A extends Float32Array | Uint8Array | Int32Array>(a: A) => track(fromArray(a.slice() as A, [a.length], dev));
      const [M, P] = [up(mask), up(alivePositions(mask))];
      const [W1, W2] = [up(w0), up(w0)];
      const [V1, V2] = p.momentum ? [up(vel0), up(vel0)] : [null, null];
      for (let s = 0; s < optimSteps; s++) {
        const G = up(gradient(rng, c.n, mask)); // NaN at pruned positions: a positions step must not read them
        sgdStep(W1, G, { ...p, mask: M, velocity: V1 });
        sgdStep(W2, G, { ...p, positions: P, velocity: V2 });
      }
      expectPositionsStep(W1.download(), W2.download(), w0, mask, 'w');
      if (V1) expectPositionsStep(V1.download(), V2!.download(), vel0, mask, 'velocity');
    });
  }

  it('rejects bad arguments with ERR_ARG and mismatched tensors with ERR_SHAPE / ERR_DTYPE', () => {
    const W = track(zeros([4], dev));
    const G = track(zeros([4], dev));
    const V = track(zeros([4], dev));
    expect(code(() => sgdStep(W, G, { lr: -0.1 }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, G, { lr: 0.1, momentum: 0.9 }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, G, { lr: 0.1, momentum: -0.5, velocity: V }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, G, { lr: 0.1, nesterov: true }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, G, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, velocity: V }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, G, { lr: 0.1, weightDecay: -1 }))).toBe('ERR_ARG');
    expect(code(() => sgdStep(W, track(zeros([5], dev)), { lr: 0.1 }))).toBe('ERR_SHAPE');
    expect(code(() => sgdStep(W, G, { lr: 0.1, mask: G as unknown as Tensor<'u8'> }))).toBe('ERR_DTYPE');
    // The addon itself, called without the typed wrapper.
    const n = binding() as unknown as { sgdStep(...a: unknown[]): void };
    expect(code(() => n.sgdStep(W, G, { lr: -1 }))).toBe('ERR_ARG');
    expect(code(() => n.sgdStep(W, G, { lr: 0.1, momentum: 0.9 }))).toBe('ERR_ARG');
    expect(code(() => n.sgdStep(W, G))).toBe('ERR_ARG');
  });
});

describeEachTarget('adamStep', (target) => {
  const dev = { device: target.device } as const;
  for (const [ci, c] of adamCases.entries()) {
    const { step, ...p } = c.p;
    it(`${optimLabel(c)}: ${optimSteps} steps from step ${step}`, () => {
      const rng = new Rng(ci * 29 + 5);
      const mask = c.density === null ? null : randomMask(rng, c.n, c.density);
      const w0 = randn(rng, c.n);
      const W = track(fromArray(w0, [c.n], dev));
      const M = mask ? track(fromArray(mask, [c.n], dev)) : null;
      // Moments start nonzero so pruned positions visibly get reset.
      const m0 = randn(rng, c.n, 0.01);
      const v0 = Float32Array.from(randn(rng, c.n, 0.01), (x) => x * x);
      const Mo = track(fromArray(m0, [c.n], dev));
      const Vo = track(fromArray(v0, [c.n], dev));
      const w = Float64Array.from(w0);
      const m = Float64Array.from(m0);
      const v = Float64Array.from(v0);
      for (let s = step; s < step + optimSteps; s++) {
        const g = gradient(rng, c.n, mask);
        const G = track(fromArray(g, [c.n], dev));
        adamStep(W, G, { ...p, step: s, mask: M, m: Mo, v: Vo });
        adamStepRef(f32(p), s, w, g, mask, m, v);
      }
      const wg = W.download();
      expectClose(wg, w, { rtol: 1e-5, atol: 1e-6 }, 'w');
      expectClose(Mo.download(), m, { rtol: 1e-5, atol: 1e-7 }, 'm');
      expectClose(Vo.download(), v, { rtol: 1e-5, atol: 1e-8 }, 'v');
      expectZeroWhere(wg, mask, 'w');
      expectZeroWhere(Mo.download(), mask, 'm');
      expectZeroWhere(Vo.download(), mask, 'v');
    });
    if (c.density === null) continue;
    it(`${optimLabel(c)}: ${optimSteps} steps from step ${step} with positions = the mask's alive indices`, () => {
      const rng = new Rng(ci * 29 + 6);
      const mask = randomMask(rng, c.n, c.density!);
      const w0 = randn(rng, c.n);
      const m0 = randn(rng, c.n, 0.01);
      const v0 = Float32Array.from(randn(rng, c.n, 0.01), (x) => x * x);
      const up = <A extends Float32Array | Uint8Array | Int32Array>(a: A) => track(fromArray(a.slice() as A, [a.length], dev));
      const [M, P] = [up(mask), up(alivePositions(mask))];
      const [W1, M1, V1, W2, M2, V2] = [up(w0), up(m0), up(v0), up(w0), up(m0), up(v0)];
      for (let s = step; s < step + optimSteps; s++) {
        const G = up(gradient(rng, c.n, mask)); // NaN at pruned positions: a positions step must not read them
        adamStep(W1, G, { ...p, step: s, mask: M, m: M1, v: V1 });
        adamStep(W2, G, { ...p, step: s, positions: P, m: M2, v: V2 });
      }
      expectPositionsStep(W1.download(), W2.download(), w0, mask, 'w');
      expectPositionsStep(M1.download(), M2.download(), m0, mask, 'm');
      expectPositionsStep(V1.download(), V2.download(), v0, mask, 'v');
    });
  }

  it('rejects bad arguments with ERR_ARG', () => {
    const W = track(zeros([3], dev));
    const G = track(zeros([3], dev));
    const m = track(zeros([3], dev));
    const v = track(zeros([3], dev));
    const base = { lr: 1e-3, step: 1, m, v };
    expect(code(() => adamStep(W, G, base))).toBe('none');
    expect(code(() => adamStep(W, G, { ...base, lr: -1e-3 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, step: 0 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, step: 1.5 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, beta1: 1 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, beta2: -0.1 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, eps: -1 }))).toBe('ERR_ARG');
    expect(code(() => adamStep(W, G, { ...base, v: track(zeros([4], dev)) }))).toBe('ERR_SHAPE');
    const n = binding() as unknown as { adamStep(...a: unknown[]): void };
    expect(code(() => n.adamStep(W, G, { ...base, step: 0 }))).toBe('ERR_ARG');
    expect(code(() => n.adamStep(W, G, { ...base, m: undefined }))).toBe('ERR_ARG');
  });
});

it('references match hand-computed PyTorch values', () => {
  // SGD momentum 0.9, lr 0.1, g = 1 twice from w = 1, buf = 0: buf 1 then 1.9; w 0.9 then 0.71.
  const w = Float64Array.of(1);
  const vel = Float64Array.of(0);
  const p = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false };
  sgdStepRef(p, w, [1], null, vel);
  sgdStepRef(p, w, [1], null, vel);
  expect(vel[0]).toBeCloseTo(1.9, 12);
  expect(w[0]).toBeCloseTo(0.71, 12);
  // Nesterov: d = g + 0.9·buf: step 1 d = 1.9 → w = 0.81.
  const wn = Float64Array.of(1);
  sgdStepRef({ ...p, nesterov: true }, wn, [1], null, Float64Array.of(0));
  expect(wn[0]).toBeCloseTo(0.81, 12);
  // Adam, eps 0: the first step moves every weight by exactly lr·sign(g).
  const wa = Float64Array.of(1, 1);
  adamStepRef(
    { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0, decoupled: false },
    1,
    wa,
    [3, -0.2],
    null,
    new Float64Array(2),
    new Float64Array(2),
  );
  expect(wa[0]).toBeCloseTo(0.99, 12);
  expect(wa[1]).toBeCloseTo(1.01, 12);
  // AdamW decays before the update: w = 1·(1 − 0.01·0.5) − 0.01.
  const ww = Float64Array.of(1);
  adamStepRef(
    { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 0, weightDecay: 0.5, decoupled: true },
    1,
    ww,
    [2],
    null,
    new Float64Array(1),
    new Float64Array(1),
  );
  expect(ww[0]).toBeCloseTo(0.995 - 0.01, 12);
});

// Batched lottery trials stack T trials' parameters [T, …] and take one optimizer step over the stack: a trial's
// update must not depend on where its elements sit (vectorised body or scalar tail, which chunk).
describeEachTarget('optimizer steps are position-independent', (target) => {
  const dev = { device: target.device } as const;
  for (const [n, masked] of [
    [10, false],
    [20, false],
    [40, false],
    [200, false],
    [31360, false],
    [40, true],
    [31360, true],
  ] as const) {
    it(`n ${n}${masked ? ', masked' : ''}: 3 tensors stacked give each one's update alone, bit for bit (adam, sgd with nesterov momentum)`, () => {
      const T = 3;
      const rng = new Rng(n);
      const w = randn(rng, T * n),
        g = randn(rng, T * n, 1e-3),
        m = randn(rng, T * n, 1e-3);
      const v = Float32Array.from(randn(rng, T * n, 1e-3), (x) => x * x);
      const mask = randomMask(rng, T * n, 0.8);
      const part = <A extends Float32Array | Uint8Array>(a: A, t: number) => a.slice(t * n, (t + 1) * n) as A;
      const adam = { lr: 1.2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-4, step: 3, decoupled: false };
      const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true };
      const run = (t: number | null) => {
        const [len, pick] =
          t === null
            ? [T * n, <A extends Float32Array | Uint8Array>(a: A) => a]
            : [n, <A extends Float32Array | Uint8Array>(a: A) => part(a, t)];
        const up = <A extends Float32Array | Uint8Array>(a: A) => track(fromArray(pick(a), [len], dev));
        const W = up(w),
          M = up(m),
          V = up(v),
          K = masked ? up(mask) : null;
        adamStep(W, up(g), { ...adam, m: M, v: V, mask: K });
        const W2 = up(w),
          Vel = up(m);
        sgdStep(W2, up(g), { ...sgd, velocity: Vel, mask: K });
        return [W.download(), M.download(), V.download(), W2.download(), Vel.download()];
      };
      const stacked = run(null);
      for (let t = 0; t < T; t++) {
        run(t).forEach((alone, k) => {
          const s = stacked[k]!.subarray(t * n, (t + 1) * n);
          for (let i = 0; i < n; i++)
            if (!Object.is(s[i], alone[i])) expect.fail(`output ${k} of tensor ${t} at ${i}: stacked ${s[i]}, alone ${alone[i]}`);
        });
      }
    });
  }
});
