// The first-step agreement check of the training-step benchmark (src/first-step.ts): what it accepts (rounding,
// isolated kinks, ill-conditioned Adam updates at tiny gradients) and what it must refuse (a different step).
import { describe, expect, it } from 'vitest';
import { compareFirstStep, type FirstStepParam } from '../src/first-step.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** One Adam first step (m̂ = g, v̂ = g²): w − lr·g/(|g| + ε). */
function adam1(w: Float32Array, g: Float32Array, lr = 1e-3, eps = 1e-8): Float32Array {
  return w.map((v, i) => v - (lr * g[i]!) / (Math.abs(g[i]!) + eps));
}

function side(n: number, seed: number): { w0: Float32Array; g: Float32Array } {
  const r = lcg(seed);
  return { w0: Float32Array.from({ length: n }, () => 0.1 * r()), g: Float32Array.from({ length: n }, () => 1e-3 * r()) };
}

function theirsOf(ps: Array<{ w0: Float32Array; g: Float32Array }>, loss = 2.3) {
  return { loss, grads: ps.map((p) => p.g), values: ps.map((p) => adam1(p.w0, p.g)) };
}

function oursOf(ps: Array<{ w0: Float32Array; g: Float32Array }>, loss = 2.3): { loss: number; params: FirstStepParam[] } {
  return { loss, params: ps.map((p, i) => ({ name: `p${i}`, grad: p.g, value: adam1(p.w0, p.g) })) };
}

describe('compareFirstStep', () => {
  const ps = [side(5000, 1), side(300, 2)];

  it('accepts the same step and reports every weight compared', () => {
    const c = compareFirstStep('t', oursOf(ps), theirsOf(ps));
    expect(c).toMatchObject({ kinks: 0, compared: 5300, total: 5300 });
    expect(c.summary).toMatch(/0 of 5300 entries at ReLU\/max-pool kinks/);
  });

  it('accepts an isolated kink (one gradient entry off by 0.5% of the largest) and a tiny gradient whose sign flips', () => {
    const ours = ps.map((p) => ({ w0: p.w0, g: p.g.slice() }));
    ours[0]!.g[7]! += 5e-6; // as below a ReLU input that rounds to the other side of 0
    const theirs = ps.map((p) => ({ w0: p.w0, g: p.g.slice() }));
    theirs[1]!.g[3] = 1e-9;
    ours[1]!.g[3] = -1e-9; // rounding-level gradient: Adam moves the weight by ±lr/1.01
    const c = compareFirstStep('t', oursOf(ours), theirsOf(theirs));
    expect(c.kinks).toBe(1);
    expect(c.compared).toBe(5298);
  });

  it('refuses a different loss', () => {
    expect(() => compareFirstStep('t', oursOf(ps, 2.31), theirsOf(ps, 2.3))).toThrow(/first-step loss differs/);
  });

  it('refuses permuted gradients (a layout bug)', () => {
    const ours = ps.map((p) => ({ w0: p.w0, g: p.g.slice().reverse() }));
    expect(() => compareFirstStep('t', oursOf(ours), theirsOf(ps))).toThrow(/p0 gradient differs by/);
  });

  it('refuses a different update where the gradients agree (another optimizer setting)', () => {
    const ours = oursOf(ps);
    ours.params[1]!.value = adam1(ps[1]!.w0, ps[1]!.g, 2e-3);
    expect(() => compareFirstStep('t', ours, theirsOf(ps))).toThrow(/p1\[0\] after one step/);
  });

  it('refuses many scattered gradient differences (more than 0.1% of the entries) even when small in L2', () => {
    const ours = ps.map((p) => ({ w0: p.w0, g: p.g.map((v, i) => (i % 97 === 0 ? v + 2e-6 : v)) }));
    expect(() => compareFirstStep('t', oursOf(ours), theirsOf(ps))).toThrow(/gradient entries differ by more than 1e-3/);
  });
});
