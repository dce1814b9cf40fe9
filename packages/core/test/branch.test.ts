// The paper's controls on a small real-MNIST IMP run: each keeps exactly the invariants that define it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/sources.js';
import { prepare, type PreparedData } from '../src/data/prepare.js';
import { parseHparams } from '../src/hparams/schema.js';
import { runBranch } from '../src/lottery/branch.js';
import { runLottery, type LotteryResult } from '../src/lottery/runner.js';
import { readSafetensors } from '../src/store/safetensors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-branch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;
let run: LotteryResult;

const get = (path: string, name: string) => readSafetensors(path).tensors[name]!.data;

beforeAll(async () => {
  const ds = await loadDataset('mnist', { offline: true });
  data = prepare(ds.train, ds.test, { validationSize: 200, subset: 600, seed: 1 });
  data.test = { x: data.test.x.subarray(0, 300 * 784), y: data.test.y.subarray(0, 300), count: 300 };
  const h = parseHparams({
    dataset: { batchSize: 30, validationSize: 200, subset: 600 },
    model: { model: 'mlp-24' },
    training: { steps: '40it', evalEvery: 20 },
    pruning: { fcRate: 0.5, outputRate: 0.3 },
    lottery: { levels: 2 },
  });
  run = await runLottery(h, { root: tmp, data });
});

describe('controls', () => {
  it('reinit: same masks, fresh weights from the same distribution', async () => {
    const b = await runBranch(run.dir, 'reinit', { data });
    expect(b.complete).toBe(true);
    expect(b.summaries.map((s) => s.level)).toEqual([1, 2]);
    for (const level of [1, 2]) {
      const runMask = get(join(run.dir, 'trial_0', `level_${level}`, 'mask.safetensors'), 'fc1.weight');
      const bMask = get(join(b.dir, 'trial_0', `level_${level}`, 'mask.safetensors'), 'fc1.weight');
      expect(Array.from(bMask)).toEqual(Array.from(runMask));
      const ticket = get(join(run.dir, 'trial_0', `level_${level}`, 'init.safetensors'), 'fc1.weight');
      const control = get(join(b.dir, 'trial_0', `level_${level}`, 'init.safetensors'), 'fc1.weight');
      const init = get(join(run.dir, 'trial_0', 'init.safetensors'), 'fc1.weight');
      let same = 0;
      let alive = 0;
      let s2c = 0;
      let s2init = 0;
      for (let i = 0; i < runMask.length; i++) {
        s2init += init[i]! ** 2;
        if (!runMask[i]) expect(control[i]).toBe(0);
        else {
          alive++;
          if (control[i] === ticket[i]) same++;
          s2c += control[i]! ** 2;
        }
      }
      expect(same).toBe(0);
      // Same distribution as the original initialisation (over all its weights), not the ticket's
      // surviving weights, which magnitude pruning biases towards large values.
      const ratio = Math.sqrt(s2c / alive / (s2init / runMask.length));
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1.05);
    }
    expect(b.summaries[0]!.density.alive).toBe(run.summaries[1]!.density.alive);
  });

  it("rearrange --mode connections (the draft's reading): the ticket's own initial values move with the shuffled connections", async () => {
    const b = await runBranch(run.dir, 'rearrange', { data, rearrangeMode: 'connections' });
    expect(b.dir).toMatch(/branch_rearrange-connections$/);
    expect(b.summaries.map((s) => s.level)).toEqual([1, 2]);
    for (const level of [1, 2]) {
      const ld = join(run.dir, 'trial_0', `level_${level}`);
      const bd = join(b.dir, 'trial_0', `level_${level}`);
      for (const name of ['fc1.weight', 'fc2.weight']) {
        const ticketMask = get(join(ld, 'mask.safetensors'), name);
        const ticketInit = get(join(ld, 'init.safetensors'), name);
        const mask = get(join(bd, 'mask.safetensors'), name);
        const init = get(join(bd, 'init.safetensors'), name);
        const alive = (w: ArrayLike<number>, m: ArrayLike<number>) =>
          Array.from(w)
            .filter((_, i) => m[i] === 1)
            .sort((x, y) => x - y);
        // The same multiset of starting values as the ticket's survivors, at the rearranged positions, zeros elsewhere.
        expect(alive(init, mask)).toEqual(alive(ticketInit, ticketMask));
        expect(Array.from(init).every((v, i) => mask[i] === 1 || v === 0)).toBe(true);
        expect(Array.from(mask)).not.toEqual(Array.from(ticketMask));
      }
    }
  });

  it('rearrange: per-layer counts kept, surviving weights keep their original initial values', async () => {
    const b = await runBranch(run.dir, 'rearrange', { data });
    const init = get(join(run.dir, 'trial_0', 'init.safetensors'), 'fc1.weight');
    for (const level of [1, 2]) {
      const runMask = get(join(run.dir, 'trial_0', `level_${level}`, 'mask.safetensors'), 'fc1.weight');
      const mask = get(join(b.dir, 'trial_0', `level_${level}`, 'mask.safetensors'), 'fc1.weight');
      const start = get(join(b.dir, 'trial_0', `level_${level}`, 'init.safetensors'), 'fc1.weight');
      const count = (m: ArrayLike<number>) => Array.from(m).reduce((a, v) => a + (v ? 1 : 0), 0);
      expect(count(mask)).toBe(count(runMask));
      expect(Array.from(mask)).not.toEqual(Array.from(runMask));
      for (let i = 0; i < mask.length; i++) expect(start[i]).toBe(mask[i] ? init[i] : 0);
    }
  });

  it('same-sign: same masks, fresh magnitudes with the original signs; a re-run resumes nothing twice', async () => {
    const b = await runBranch(run.dir, 'same-sign', { data });
    const init = get(join(run.dir, 'trial_0', 'init.safetensors'), 'fc1.weight');
    const mask = get(join(run.dir, 'trial_0', 'level_2', 'mask.safetensors'), 'fc1.weight');
    const start = get(join(b.dir, 'trial_0', 'level_2', 'init.safetensors'), 'fc1.weight');
    let differ = 0;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      expect(Math.sign(start[i]!)).toBe(Math.sign(init[i]!));
      if (start[i] !== init[i]) differ++;
    }
    expect(differ).toBeGreaterThan(0);
    const again = await runBranch(run.dir, 'same-sign', { data });
    expect(again.summaries).toEqual(b.summaries);
  });

  it('rejects unknown controls and runs without hparams', async () => {
    await expect(runBranch(run.dir, 'shuffle' as never, { data })).rejects.toThrow(/unknown control/);
    await expect(runBranch(join(tmp, 'nope'), 'reinit', { data })).rejects.toThrow(/ENOENT|hparams/);
  });
});

describe('stability (Stabilizing the LTH)', () => {
  it('distances to the dense network and between data orders', async () => {
    const { distanceToDense, dataOrderDistance, l2Distance } = await import('../src/lottery/stability.js');
    const b = await runBranch(run.dir, 'data-order', { data, levels: [1] });
    expect(b.summaries.map((s) => s.level)).toEqual([1]);
    // The data-order branch starts from exactly the ticket's starting weights.
    const t0 = get(join(run.dir, 'trial_0', 'level_1', 'init.safetensors'), 'fc1.weight');
    const b0 = get(join(b.dir, 'trial_0', 'level_1', 'init.safetensors'), 'fc1.weight');
    expect(Array.from(b0)).toEqual(Array.from(t0));
    const dd = dataOrderDistance(run.dir, 0, 1);
    expect(dd.l2).toBeGreaterThan(0);
    const dense = distanceToDense(run.dir, 0, 1);
    expect(dense.relative).toBeGreaterThan(0);
    expect(dense.relative).toBeLessThan(2);
    const same = l2Distance(
      { w: { shape: [2], data: Float32Array.of(3, 4) } },
      { w: { shape: [2], data: Float32Array.of(0, 0) } },
      { w: { shape: [2], data: Uint8Array.of(1, 1) } },
    );
    expect(same.l2).toBe(5);
  });
});
