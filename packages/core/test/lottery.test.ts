// IMP end to end on a small slice of real MNIST: exact pruning counts, masks only shrink, reset/rewind
// exactness, resume after an interrupted level gives the identical result, re-runs skip finished work.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedData } from '../src/data/prepare.js';
import { mnistSlice } from './support/mnist-slice.js';
import { parseHparams, type HparamsInput } from '../src/hparams/schema.js';
import { runLottery, type LotteryEvent } from '../src/lottery/runner.js';
import { readSafetensors } from '../src/store/safetensors.js';
import { testDevice } from './support/test-device.js';

const device = testDevice();

const tmp = mkdtempSync(join(tmpdir(), 'lth-lottery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;

beforeAll(async () => {
  data = await mnistSlice({ validationSize: 300, subset: 1200, seed: 1, test: 500 });
});

const base: HparamsInput = {
  dataset: { batchSize: 30, validationSize: 300, subset: 1200 },
  model: { model: 'mlp-40-20' },
  training: { steps: '60it', evalEvery: 20 },
  lottery: { levels: 2 },
};

function tensors(path: string) {
  return readSafetensors(path).tensors;
}

describe(`IMP lottery run [${device}]`, () => {
  it('prunes exact counts per layer, masks only shrink, and resets to the stored initialisation', async () => {
    const h = parseHparams(base);
    const r = await runLottery(h, { device, root: join(tmp, 'a'), data });
    expect(r.complete).toBe(true);
    expect(r.summaries.map((s) => s.level)).toEqual([0, 1, 2]);
    // fc1 784×40 = 31360: 20% of alive per level, round(); output 20×10 at 10%.
    const fc1 = r.summaries.map((s) => s.density.layers.fc1!.alive);
    expect(fc1).toEqual([31360, 31360 - Math.round(0.2 * 31360), 25088 - Math.round(0.2 * 25088)]);
    const out = r.summaries.map((s) => s.density.layers.fc3!.alive);
    expect(out).toEqual([200, 180, 162]);

    const init = tensors(join(r.dir, 'trial_0', 'init.safetensors'));
    let prevMask: Uint8Array | null = null;
    for (const level of [0, 1, 2]) {
      const ldir = join(r.dir, 'trial_0', `level_${level}`);
      const mask = tensors(join(ldir, 'mask.safetensors'))['fc1.weight']!.data as Uint8Array;
      const start = tensors(join(ldir, 'init.safetensors'))['fc1.weight']!.data as Float32Array;
      const final = tensors(join(ldir, 'final.safetensors'))['fc1.weight']!.data as Float32Array;
      const w0 = init['fc1.weight']!.data as Float32Array;
      for (let i = 0; i < mask.length; i++) {
        if (prevMask && !prevMask[i]) expect(mask[i], 'masks only shrink').toBe(0);
        expect(start[i]).toBe(mask[i] ? w0[i] : 0); // reset: the init at alive positions, 0 elsewhere
        if (!mask[i]) expect(final[i]).toBe(0); // pruned weights stay exactly 0 through training
      }
      prevMask = mask;
      // Every kept |w| >= every pruned |w| among the weights that were alive before this level.
      if (level > 0) {
        const prevFinal = tensors(join(r.dir, 'trial_0', `level_${level - 1}`, 'final.safetensors'))['fc1.weight']!.data as Float32Array;
        const prevM = tensors(join(r.dir, 'trial_0', `level_${level - 1}`, 'mask.safetensors'))['fc1.weight']!.data as Uint8Array;
        let maxPruned = 0;
        let minKept = Infinity;
        for (let i = 0; i < mask.length; i++) {
          if (!prevM[i]) continue;
          if (mask[i]) minKept = Math.min(minKept, Math.abs(prevFinal[i]!));
          else maxPruned = Math.max(maxPruned, Math.abs(prevFinal[i]!));
        }
        expect(minKept).toBeGreaterThanOrEqual(maxPruned);
      }
    }
    const csv = readFileSync(join(r.dir, 'trial_0', 'level_0', 'metrics.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('name,iteration,value');
    expect(r.summaries[0]!.final.testAccuracy).toBeGreaterThan(0.5);
    expect(r.summaries[0]!.earlyStop).not.toBeNull();

    // A re-run skips every finished level.
    const events: LotteryEvent[] = [];
    const again = await runLottery(h, { device, root: join(tmp, 'a'), data, onEvent: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'level-skip')).toHaveLength(3);
    expect(again.summaries).toEqual(r.summaries);
  });

  it('resumes an interrupted level from its checkpoint with the identical result', async () => {
    const h = parseHparams(base);
    const straight = await runLottery(h, { device, root: join(tmp, 'straight'), data });
    const ac = new AbortController();
    const stopped = await runLottery(h, {
      device,
      root: join(tmp, 'resumed'),
      data,
      checkpointEvery: 20,
      onEvent: (e) => {
        if (e.type === 'metrics' && e.level === 1 && e.rows[0]!.iteration === 40) ac.abort();
      },
      signal: ac.signal,
    });
    expect(stopped.complete).toBe(false);
    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { device, root: join(tmp, 'resumed'), data, checkpointEvery: 20, onEvent: (e) => events.push(e) });
    expect(resumed.complete).toBe(true);
    const start = events.find((e) => e.type === 'level-start' && e.level === 1);
    expect(start && start.type === 'level-start' && start.resumeFrom).toBeGreaterThan(0);
    expect(resumed.summaries).toEqual(straight.summaries);
    for (const level of [1, 2]) {
      const a = tensors(join(straight.dir, 'trial_0', `level_${level}`, 'final.safetensors'));
      const b = tensors(join(resumed.dir, 'trial_0', `level_${level}`, 'final.safetensors'));
      for (const k of Object.keys(a)) expect(Array.from(b[k]!.data), k).toEqual(Array.from(a[k]!.data));
      const ma = readFileSync(join(straight.dir, 'trial_0', `level_${level}`, 'metrics.csv'), 'utf8');
      expect(readFileSync(join(resumed.dir, 'trial_0', `level_${level}`, 'metrics.csv'), 'utf8')).toBe(ma);
    }
  });

  it('rewinds to iteration k: later levels start from the weights at k, masked', async () => {
    const h = parseHparams({ ...base, lottery: { levels: 1, rewind: '20it' } });
    const r = await runLottery(h, { device, root: join(tmp, 'rewind'), data });
    expect(r.summaries[1]!.iterations).toEqual({ start: 20, end: 60 });
    const rw = tensors(join(r.dir, 'trial_0', 'rewind.safetensors'))['fc2.weight']!.data as Float32Array;
    const init = tensors(join(r.dir, 'trial_0', 'init.safetensors'))['fc2.weight']!.data as Float32Array;
    const start = tensors(join(r.dir, 'trial_0', 'level_1', 'init.safetensors'))['fc2.weight']!.data as Float32Array;
    const mask = tensors(join(r.dir, 'trial_0', 'level_1', 'mask.safetensors'))['fc2.weight']!.data as Uint8Array;
    expect(Array.from(rw)).not.toEqual(Array.from(init));
    for (let i = 0; i < mask.length; i++) expect(start[i]).toBe(mask[i] ? rw[i] : 0);
  });

  it('global pruning removes exactly round(p · alive) over all prunable layers', async () => {
    const h = parseHparams({ ...base, pruning: { strategy: 'global', globalRate: 0.3, ignore: ['fc3'] }, lottery: { levels: 1 } });
    const r = await runLottery(h, { device, root: join(tmp, 'global'), data });
    const d = r.summaries[1]!.density.layers;
    const total = 784 * 40 + 40 * 20;
    expect(d.fc1!.alive + d.fc2!.alive).toBe(total - Math.round(0.3 * total));
    expect(d.fc3!.alive).toBe(200);
  });
});
