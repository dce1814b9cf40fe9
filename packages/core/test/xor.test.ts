// The XOR experiment (draft appendix A): data, unit-pruning heuristics on hand-made networks, one-shot vs
// iterative counts, determinism, and a trained 10-unit network that finds the decision boundary.
import { describe, expect, it } from 'vitest';
import { XOR_INPUTS, XOR_LABELS, xorData } from '../src/xor/data.js';
import { XorBatch } from '../src/xor/batch.js';
import { pruneTrial, pruneTrials, randomInitSuccess, unitPruningSuccess } from '../src/xor/experiments.js';
import { XorNet, xorInit } from '../src/xor/network.js';
import { pruneUnits, unitScores } from '../src/xor/prune.js';
import { trainXor } from '../src/xor/train.js';

describe('xor data', () => {
  it('is the four points of {0,1}² labelled by XOR', () => {
    expect(XOR_INPUTS).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(XOR_LABELS).toEqual([0, 1, 1, 0]);
    const { x, y } = xorData();
    expect(Array.from(x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(y)).toEqual([0, 1, 1, 0]);
  });
});

describe('xor init', () => {
  it('is N(0, 0.1) truncated at 2σ, seeded', () => {
    const a = xorInit(10, 3);
    expect(a.w1.length).toBe(20);
    expect(a.w2.length).toBe(10);
    expect([...a.w1, ...a.w2].every((v) => Math.abs(v) <= 0.2 + 1e-7)).toBe(true);
    expect(xorInit(10, 3)).toEqual(a);
    expect(xorInit(10, 4).w1).not.toEqual(a.w1);
  });
});

describe('unit pruning heuristics', () => {
  // Hand-made 4-unit network: incoming L2 norms 5, 1, 2, 0.5; outgoing |w| 0.1, 3, 0.2, 4.
  const w1 = [3, 4, 0, -1, 2, 0, 0.3, -0.4];
  const w2 = [0.1, -3, 0.2, 4];
  it('scores: input = L2 of incoming weights, output = |outgoing|, product = both', () => {
    expect(unitScores('input', w1, w2)).toEqual([5, 1, 2, 0.5]);
    expect(unitScores('output', w1, w2)).toEqual([0.1, 3, 0.2, 4]);
    const p = unitScores('product', w1, w2);
    [0.5, 3, 0.4, 2].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 12));
  });

  it('each heuristic prunes the right units (lowest score first)', () => {
    const all = [true, true, true, true];
    const prune = (h: 'input' | 'output' | 'product', n: number) => pruneUnits(all, unitScores(h, w1, w2), n);
    expect(prune('input', 2)).toEqual([true, false, true, false]); // 0.5 (unit 3), 1 (unit 1)
    expect(prune('output', 2)).toEqual([false, true, false, true]); // 0.1 (unit 0), 0.2 (unit 2)
    expect(prune('product', 2)).toEqual([false, true, false, true]); // 0.4 (unit 2), 0.5 (unit 0)
    expect(prune('product', 3)).toEqual([false, true, false, false]);
  });

  it('skips dead units, breaks ties by lower index, masks only shrink', () => {
    expect(pruneUnits([true, false, true, true], [1, 0, 1, 1], 1)).toEqual([false, false, true, true]);
    expect(pruneUnits([true, true], [2, 2], 1)).toEqual([false, true]);
    expect(() => pruneUnits([true, false], [1, 1], 2)).toThrow(RangeError);
  });

  it('a pruned unit has zero incoming weights, bias and outgoing weight, and stays zero through training', () => {
    const net = new XorNet(xorInit(4, 1));
    try {
      net.setWeights({ w1, b1: [0.1, 0.1, 0.1, 0.1], w2 });
      net.setAlive(pruneUnits([true, true, true, true], unitScores('product', w1, w2), 2));
      let w = net.weights();
      expect([w.w1[0], w.w1[1], w.w1[4], w.w1[5], w.b1[0], w.b1[2], w.w2[0], w.w2[2]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      net.reset();
      trainXor(net, { iterations: 200, lr: 0.5 });
      w = net.weights();
      expect([w.w1[0], w.w1[1], w.w1[4], w.w1[5], w.b1[0], w.b1[2], w.w2[0], w.w2[2]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(w.w1[2]).not.toBe(0);
    } finally {
      net.dispose();
    }
  });
});

describe('xor training and experiments', () => {
  it('reset restores the original initialisation of the survivors', () => {
    const init = xorInit(6, 2);
    const net = new XorNet(init);
    try {
      trainXor(net, { iterations: 50 });
      expect(net.weights().w1).not.toEqual(init.w1);
      net.setAlive([true, false, true, true, true, false]);
      net.reset();
      const w = net.weights();
      expect(Array.from(w.w1)).toEqual(Array.from(init.w1).map((v, i) => ([1, 5].includes(i >> 1) ? 0 : v)));
      expect(Array.from(w.b1)).toEqual([0, 0, 0, 0, 0, 0]);
    } finally {
      net.dispose();
    }
  });

  it('a trained 10-unit network finds the decision boundary', () => {
    const net = new XorNet(xorInit(10, 1));
    try {
      const r = trainXor(net);
      expect(r).toMatchObject({ correct: 4, success: true });
      expect(r.loss).toBeLessThan(0.05);
    } finally {
      net.dispose();
    }
  });

  it('one-shot and iterative give one result per (heuristic, k); iterative keeps k units', () => {
    const { results } = pruneTrial(0, { iterations: 300 });
    expect(results.length).toBe(3 * 2 * 4);
    for (const r of results) expect(r.kept.length).toBe(r.units);
    const count = (mode: string) => results.filter((r) => r.mode === mode).length;
    expect(count('oneshot')).toBe(12);
    expect(count('iterative')).toBe(12);
    // Iterative masks only shrink: each smaller set is a subset of the previous one.
    for (const h of ['input', 'output', 'product']) {
      const sets = results.filter((r) => r.mode === 'iterative' && r.heuristic === h).map((r) => r.kept);
      for (let i = 1; i < sets.length; i++) expect(sets[i]!.every((j) => sets[i - 1]!.includes(j))).toBe(true);
    }
  });

  it('is deterministic: the same seed gives the same result', () => {
    const opts = { trials: 3, seed: 5, iterations: 300, hiddenSizes: [4, 2] } as const;
    expect(randomInitSuccess(opts)).toEqual(randomInitSuccess(opts));
    const p = { trials: 2, seed: 7, iterations: 200, targets: [6, 2] } as const;
    const a = unitPruningSuccess(p);
    expect(a).toEqual(unitPruningSuccess(p));
    expect(a.length).toBe(3 * 2 * 2);
    const n1 = new XorNet(xorInit(4, 9));
    const n2 = new XorNet(xorInit(4, 9));
    try {
      trainXor(n1, { iterations: 100 });
      trainXor(n2, { iterations: 100 });
      expect(n1.weights()).toEqual(n2.weights());
    } finally {
      n1.dispose();
      n2.dispose();
    }
  });
});

describe('xor batched trials', () => {
  // Each trial of a batch must train as it would alone, fp32 rounding aside: weights equal to ~1e-6 after 100
  // steps; after 1500 steps (rounding differences grow where a ReLU unit crosses its kink) the same outcome
  // and loss. Several widths, an odd trial count (padding slots) and pruned units.
  const solo = (init: ReturnType<typeof xorInit>, alive: boolean[] | null, iterations: number, lr: number) => {
    const net = new XorNet(init);
    try {
      if (alive) net.setAlive(alive);
      const r = trainXor(net, { iterations, lr });
      return { r, w: net.weights() };
    } finally {
      net.dispose();
    }
  };

  for (const [hidden, trials] of [[2, 5], [10, 7]] as const) {
    it(`${trials} trials of 2-${hidden}-1 train as if alone`, () => {
      const inits = Array.from({ length: trials }, (_, t) => xorInit(hidden, 100 + t));
      const alive = inits.map((_, t) => Array.from({ length: hidden }, (_, j) => hidden === 2 || (j + t) % 3 !== 0));
      const batch = new XorBatch(inits);
      try {
        expect(batch.slots).toBe(8);
        if (hidden > 2) batch.setAliveAll(alive);
        batch.train({ iterations: 100, lr: 0.05 });
        const early = batch.weights();
        inits.forEach((init, t) => {
          const want = solo(init, hidden > 2 ? alive[t]! : null, 100, 0.05);
          for (const k of ['w1', 'b1', 'w2', 'b2'] as const) {
            const a = early[t]![k];
            const b = want.w[k];
            expect(a.length).toBe(b.length);
            a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(b[i]!))));
          }
        });
        batch.reset();
        const got = batch.train({ iterations: 1500, lr: 0.05 });
        const weights = batch.weights();
        inits.forEach((init, t) => {
          const want = solo(init, hidden > 2 ? alive[t]! : null, 1500, 0.05);
          expect(got[t]!.success).toBe(want.r.success);
          expect(got[t]!.correct).toBe(want.r.correct);
          expect(Math.abs(got[t]!.loss - want.r.loss)).toBeLessThan(1e-3 * Math.max(1, want.r.loss));
          // pruned units stay exactly 0
          alive[t]!.forEach((a, j) => { if (hidden > 2 && !a) expect([weights[t]!.w1[2 * j], weights[t]!.b1[j], weights[t]!.w2[j]]).toEqual([0, 0, 0]); });
        });
      } finally {
        batch.dispose();
      }
    });
  }

  it('rejects mixed widths and bad alive sets with clear errors', () => {
    expect(() => new XorBatch([xorInit(2, 0), xorInit(4, 1)])).toThrow(/same hidden width/);
    expect(() => new XorBatch([])).toThrow(/at least one/);
    const batch = new XorBatch([xorInit(4, 0)]);
    try {
      expect(() => batch.setAliveAll([[true, true]])).toThrow(/4 hidden units/);
      expect(() => batch.setAliveAll([])).toThrow(/1 trials/);
    } finally {
      batch.dispose();
    }
  });

  it('pruneTrials over several seeds equals each seed alone', () => {
    const opts = { iterations: 300, targets: [6, 2] } as const;
    const together = pruneTrials([3, 4, 5], opts);
    [3, 4, 5].forEach((s, t) => expect(together[t]).toEqual(pruneTrial(s, opts)));
  });
});
