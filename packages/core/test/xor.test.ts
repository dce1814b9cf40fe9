// The XOR experiment (draft appendix A): data, unit-pruning heuristics on hand-made networks, one-shot vs
// iterative counts, determinism, and a trained 10-unit network that finds the decision boundary.
import { describe, expect, it } from 'vitest';
import { XOR_INPUTS, XOR_LABELS, xorData } from '../src/xor/data.js';
import { XorBatch } from '../src/xor/batch.js';
import { iterativeRounds, pruneTrial, pruneTrials, randomInitSuccess, unitPruningSuccess } from '../src/xor/experiments.js';
import { xorOutcome } from '../src/xor/outcome.js';
import { XorNet, xorInit } from '../src/xor/network.js';
import { pruneUnits, unitScores } from '../src/xor/prune.js';
import { trainXor } from '../src/xor/train.js';

describe('xor data', () => {
  it('is the four points of {0,1}² labelled by XOR', () => {
    expect(XOR_INPUTS).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
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

describe('unit pruning heuristics', { timeout: 20 * 60_000 }, () => {
  // Hand-made 4-unit network, chosen so that mean |w| / L1 and L2 order the units differently:
  // incoming (1,1), (1.5,0), (0,-0.2), (3,-3); outgoing 1, -1, 0.5, 0.1.
  const w1 = [1, 1, 1.5, 0, 0, -0.2, 3, -3];
  const w2 = [1, -1, 0.5, 0.1];
  it('scores as the draft defines them: input = mean |w| in, output = |w| out, product = |w out| × sum |w| in', () => {
    expect(unitScores('input', w1, w2)).toEqual([1, 0.75, 0.1, 3]);
    expect(unitScores('output', w1, w2)).toEqual([1, 1, 0.5, 0.1]);
    const p = unitScores('product', w1, w2);
    [2, 1.5, 0.1, 0.6].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 12));
  });

  it('each heuristic prunes the right units (lowest score first)', () => {
    const all = [true, true, true, true];
    const prune = (h: 'input' | 'output' | 'product', n: number) => pruneUnits(all, unitScores(h, w1, w2), n);
    expect(prune('input', 2)).toEqual([true, false, false, true]); // 0.1 (unit 2), 0.75 (unit 1); L2 would drop unit 0
    expect(prune('output', 2)).toEqual([true, true, false, false]); // 0.1 (unit 3), 0.5 (unit 2)
    expect(prune('product', 2)).toEqual([true, true, false, false]); // 0.1 (unit 2), 0.6 (unit 3)
    expect(prune('product', 3)).toEqual([true, false, false, false]); // then 1.5 (unit 1); L2 would keep unit 1
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
      net.setAlive(pruneUnits([true, true, true, true], unitScores('product', w1, w2), 2)); // units 2 and 3
      let w = net.weights();
      expect([w.w1[4], w.w1[5], w.w1[6], w.w1[7], w.b1[2], w.b1[3], w.w2[2], w.w2[3]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      net.reset();
      trainXor(net, { iterations: 200, lr: 0.5 });
      w = net.weights();
      expect([w.w1[4], w.w1[5], w.w1[6], w.w1[7], w.b1[2], w.b1[3], w.w2[2], w.w2[3]]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(w.w1[0]).not.toBe(0);
    } finally {
      net.dispose();
    }
  });
});

describe('xor outcome: DB and ZL', { timeout: 20 * 60_000 }, () => {
  it('ZL = every float32 output is exactly its label; DB = every point on the right side', () => {
    const y = [0, 1, 1, 0];
    expect(xorOutcome([-200, 20, 20, -200], y)).toMatchObject({ correct: 4, success: true, zeroLoss: true });
    // σ(-50) ≈ 2e-22 is representable in float32: not a hard 0, though the boundary is right
    expect(xorOutcome([-50, 20, 20, -200], y)).toMatchObject({ success: true, zeroLoss: false });
    // σ(16) rounds to 1 − 2⁻²³ in float32, not 1
    expect(xorOutcome([-200, 16, 20, -200], y)).toMatchObject({ success: true, zeroLoss: false });
    expect(xorOutcome([-200, -1, 20, -200], y)).toMatchObject({ correct: 3, success: false, zeroLoss: false });
    expect(() => xorOutcome([0, 0], y)).toThrow(RangeError);
  });

  it('training reports ZL beside DB', () => {
    const net = new XorNet(xorInit(10, 1));
    try {
      const r = trainXor(net, { iterations: 300 });
      expect(typeof r.zeroLoss).toBe('boolean');
      expect(r.zeroLoss).toBe(false); // 300 SGD steps from a 0.1-scale init cannot saturate float32
    } finally {
      net.dispose();
    }
  });
});

describe('xor training and experiments', { timeout: 20 * 60_000 }, () => {
  it('iterative pruning removes two units per round: 10 → 8 → 6 → 4 → 2', () => {
    expect(iterativeRounds(10, 2)).toEqual([8, 6, 4, 2]);
    expect(() => pruneTrial(0, { iterations: 10, targets: [7] })).toThrow(/2 units per round/);
    // The first iterative round prunes two units of the trained dense network, exactly as one-shot to 8 does.
    for (const seed of [0, 1, 2]) {
      const { results } = pruneTrial(seed, { iterations: 300, targets: [8] });
      for (const h of ['input', 'output', 'product'] as const) {
        const one = results.find((r) => r.heuristic === h && r.mode === 'oneshot')!;
        const it8 = results.find((r) => r.heuristic === h && r.mode === 'iterative')!;
        expect(it8.kept).toEqual(one.kept);
        expect(it8.success).toBe(one.success);
      }
    }
  });

  it('Figure 10 counts are joint: dense AND ticket succeed, over all trials; units = 10 is the dense network', () => {
    const opts = { trials: 6, seed: 11, iterations: 400, targets: [4, 2] } as const;
    const rows = unitPruningSuccess(opts);
    const trials = pruneTrials([11, 12, 13, 14, 15, 16], opts);
    expect(rows.length).toBe(3 * 2 * 3);
    for (const row of rows) {
      expect(row.trials).toBe(6);
      let db = 0;
      let zl = 0;
      for (const { dense, results } of trials) {
        const r =
          row.units === 10 ? dense : results.find((x) => x.heuristic === row.heuristic && x.mode === row.mode && x.units === row.units)!;
        if (dense.success && r.success) db++;
        if (dense.zeroLoss && r.zeroLoss) zl++;
      }
      expect([row.db, row.zl, row.dbRate, row.zlRate]).toEqual([db, zl, db / 6, zl / 6]);
    }
    // a planted case: a ticket that succeeds under a failed dense network is not counted
    const denseFails = trials.filter((t) => !t.dense.success).length;
    expect(rows.every((r) => r.db <= 6 - denseFails)).toBe(true);
  });

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
    expect(a.length).toBe(3 * 2 * 3);
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

describe('xor batched trials', { timeout: 20 * 60_000 }, () => {
  // Each trial of a batch trains exactly as it would alone (the batched kernels run the unbatched arithmetic on
  // each trial's slices, and the 1/T, ·T scalings are exact with T a power of two): the same weights, bit for bit,
  // after 100 and after 1500 steps, and the same outcome. Several widths, an odd trial count (padding slots) and
  // pruned units.
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

  for (const [hidden, trials] of [
    [2, 5],
    [10, 7],
  ] as const) {
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
          for (const k of ['w1', 'b1', 'w2', 'b2'] as const) expect(early[t]![k]).toEqual(want.w[k]);
        });
        batch.reset();
        const got = batch.train({ iterations: 1500, lr: 0.05 });
        const weights = batch.weights();
        inits.forEach((init, t) => {
          const want = solo(init, hidden > 2 ? alive[t]! : null, 1500, 0.05);
          expect(got[t]).toEqual(want.r);
          for (const k of ['w1', 'b1', 'w2', 'b2'] as const) expect(weights[t]![k]).toEqual(want.w[k]);
          // pruned units stay exactly 0
          alive[t]!.forEach((a, j) => {
            if (hidden > 2 && !a) expect([weights[t]!.w1[2 * j], weights[t]!.b1[j], weights[t]!.w2[j]]).toEqual([0, 0, 0]);
          });
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
