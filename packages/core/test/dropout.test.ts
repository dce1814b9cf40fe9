// Dropout's random stream: its masks follow the trial seed, restart with every level (iteration i of every level
// draws the same masks, like the data order), and a run stopped or crashed mid-level and resumed from its
// checkpoint is byte-identical to an uninterrupted one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArray } from '@lth/native-sparse';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreparedData } from '../src/data/prepare.js';
import { hparamsHash } from '../src/hparams/hash.js';
import { resolveHparams } from '../src/hparams/presets.js';
import { parseHparams, type HparamsInput } from '../src/hparams/schema.js';
import { Dropout } from '../src/models/layers.js';
import { runLottery, type LotteryEvent } from '../src/lottery/runner.js';
import { readSafetensors } from '../src/store/safetensors.js';
import { mnistSlice } from './support/mnist-slice.js';
import { testDevice } from './support/test-device.js';

const device = testDevice();
const tmp = mkdtempSync(join(tmpdir(), 'lth-dropout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let data: PreparedData;

beforeAll(async () => {
  data = await mnistSlice({ validationSize: 300, subset: 1200, seed: 1, test: 500 });
});

const base: HparamsInput = {
  dataset: { batchSize: 30, validationSize: 300, subset: 1200 },
  model: { model: 'mlp-40-20', dropout: 0.5 },
  training: { steps: '60it', evalEvery: 20 },
  lottery: { levels: 2 },
};

/** The keep mask a Dropout layer draws at (seed, iteration) for a [rows, cols] input. */
function maskAt(layer: Dropout, seed: number, iteration: number, rows = 4, cols = 64): number[] {
  const x = fromArray(new Float32Array(rows * cols).fill(1), [rows, cols], { device });
  try {
    layer.position(seed, iteration);
    layer.forward(x, true);
    return Array.from(layer.mask!.download());
  } finally {
    x.dispose();
  }
}

/** Every training-time dropout mask of a run, keyed `trial/level/layer`, in the order drawn (one per iteration). */
function recordMasks(): { masks: Map<string, string[]>; onEvent: (e: LotteryEvent) => void } {
  const masks = new Map<string, string[]>();
  const original = Dropout.prototype.forward;
  let where = '';
  vi.spyOn(Dropout.prototype, 'forward').mockImplementation(function (this: Dropout, x, train) {
    const y = original.call(this, x, train);
    if (train) {
      const key = `${where}/${this.layer}`;
      if (!masks.has(key)) masks.set(key, []);
      masks.get(key)!.push(Buffer.from(this.mask!.download()).toString('base64'));
    }
    return y;
  });
  return {
    masks,
    onEvent: (e) => {
      if (e.type === 'level-start') where = `${e.trial}/${e.level}`;
    },
  };
}

function tensors(path: string) {
  return readSafetensors(path).tensors;
}

/** The stored results of two runs are the same bytes: every level's final weights and metrics. */
function expectSameStore(a: string, b: string, levels: number[]) {
  for (const level of levels) {
    const ldir = (d: string) => join(d, 'trial_0', `level_${level}`);
    const fa = tensors(join(ldir(a), 'final.safetensors'));
    const fb = tensors(join(ldir(b), 'final.safetensors'));
    for (const k of Object.keys(fa)) expect(Array.from(fb[k]!.data), `level ${level} ${k}`).toEqual(Array.from(fa[k]!.data));
    expect(readFileSync(join(ldir(b), 'metrics.csv'), 'utf8'), `level ${level} metrics`).toBe(
      readFileSync(join(ldir(a), 'metrics.csv'), 'utf8'),
    );
    expect(readFileSync(join(ldir(b), 'summary.json'), 'utf8'), `level ${level} summary`).toBe(
      readFileSync(join(ldir(a), 'summary.json'), 'utf8'),
    );
  }
}

describe(`dropout's random stream [${device}]`, () => {
  it('a mask is a pure function of (seed, layer, iteration): other seeds, layers or iterations draw other masks', () => {
    const a = new Dropout(0.5, 0, device);
    const b = new Dropout(0.5, 1, device);
    try {
      const m = maskAt(a, 7, 3);
      expect(maskAt(a, 7, 3), 'the same position draws the same mask').toEqual(m);
      expect(maskAt(a, 7, 3), 'after other draws too').toEqual(m);
      expect(maskAt(a, 8, 3), 'another seed').not.toEqual(m);
      expect(maskAt(a, 7, 4), 'another iteration').not.toEqual(m);
      expect(maskAt(b, 7, 3), 'another layer').not.toEqual(m);
      // About half kept at p = 0.5 (256 draws: 128 ± 8 is one standard deviation).
      const kept = m.reduce((s, v) => s + v, 0);
      expect(kept).toBeGreaterThan(128 - 40);
      expect(kept).toBeLessThan(128 + 40);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('two trials draw different masks; every level of a trial draws the same masks at iteration i', async () => {
    const h = parseHparams({ ...base, lottery: { levels: 1, trials: 2 } });
    const { masks, onEvent } = recordMasks();
    const r = await runLottery(h, { device, root: join(tmp, 'streams'), data, onEvent });
    expect(r.complete).toBe(true);
    for (const layer of [0, 1]) {
      const m = (t: number, l: number) => masks.get(`${t}/${l}/${layer}`)!;
      expect(m(0, 0)).toHaveLength(60);
      expect(m(0, 1), `trial 0: level 1 draws level 0's masks (layer ${layer})`).toEqual(m(0, 0));
      expect(m(1, 1), `trial 1: level 1 draws level 0's masks (layer ${layer})`).toEqual(m(1, 0));
      expect(m(1, 0)[0], `trials 0 and 1 differ at iteration 0 (layer ${layer})`).not.toBe(m(0, 0)[0]);
      for (let i = 0; i < 60; i++) expect(m(1, 0)[i], `trials differ at iteration ${i}`).not.toBe(m(0, 0)[i]);
      expect(new Set(m(0, 0)).size, 'a new mask every iteration').toBe(60);
    }
    expect(masks.get('0/0/0')![0]).not.toBe(masks.get('0/0/1')![0]);
  });

  it('a dropout run stopped mid-level, then crashed mid-level, and resumed each time is byte-identical to an uninterrupted one', async () => {
    const h = parseHparams(base);
    const straight = await runLottery(h, { device, root: join(tmp, 'straight'), data, checkpointEvery: 20 });
    expect(straight.complete).toBe(true);
    const root = join(tmp, 'interrupted');

    // A clean stop in level 0 at iteration 40 (checkpoint written at the stop).
    const ac = new AbortController();
    const stopped = await runLottery(h, {
      device,
      root,
      data,
      checkpointEvery: 20,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'metrics' && e.level === 0 && e.rows[0]!.iteration === 40) ac.abort();
      },
    });
    expect(stopped.complete).toBe(false);

    // A crash in level 1 at iteration 40, before its checkpoint there: the level's last checkpoint is at 20.
    const crash = new Error('killed');
    await expect(
      runLottery(h, {
        device,
        root,
        data,
        checkpointEvery: 20,
        onEvent: (e) => {
          if (e.type === 'metrics' && e.level === 1 && e.rows[0]!.iteration === 40) throw crash;
        },
      }),
    ).rejects.toBe(crash);

    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { device, root, data, checkpointEvery: 20, onEvent: (e) => events.push(e) });
    expect(resumed.complete).toBe(true);
    const start = events.find((e) => e.type === 'level-start' && e.level === 1);
    expect(start?.type === 'level-start' && start.resumeFrom).toBe(20);
    expect(resumed.summaries).toEqual(straight.summaries);
    expectSameStore(straight.dir, resumed.dir, [0, 1, 2]);
  });

  it('a checkpoint from before dropout followed the trial seed is not resumed: the level restarts and ends as an uninterrupted run', async () => {
    const h = parseHparams({ ...base, lottery: { levels: 1 } });
    const straight = await runLottery(h, { device, root: join(tmp, 'old-straight'), data });
    const root = join(tmp, 'old');
    const ac = new AbortController();
    const stopped = await runLottery(h, {
      device,
      root,
      data,
      checkpointEvery: 20,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'metrics' && e.level === 1 && e.rows[0]!.iteration === 40) ac.abort();
      },
    });
    expect(stopped.complete).toBe(false);
    // What an older version wrote: the same checkpoint without the dropout stream's seed.
    const metaFile = join(stopped.dir, 'trial_0', 'level_1', 'checkpoint.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    expect(meta.dropoutSeed).toBe(h.lottery.seed);
    delete meta.dropoutSeed;
    writeFileSync(metaFile, JSON.stringify(meta));

    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { device, root, data, onEvent: (e) => events.push(e) });
    const start = events.find((e) => e.type === 'level-start' && e.level === 1);
    expect(start?.type === 'level-start' && start.resumeFrom).toBe(0);
    expect(start?.type === 'level-start' && start.discardedCheckpoint).toMatch(/before dropout masks followed the trial seed/);
    expect(resumed.summaries).toEqual(straight.summaries);
    expectSameStore(straight.dir, resumed.dir, [0, 1]);
  });

  it('runs without dropout keep their names; runs with dropout get new ones (their masks changed)', () => {
    // Hashes computed by the version before dropout followed the trial seed.
    expect(hparamsHash(parseHparams({}))).toBe('44136fa355');
    expect(hparamsHash(resolveHparams('lenet'))).toBe('44136fa355');
    expect(hparamsHash(parseHparams({ model: { model: 'mlp-40-20' } }))).toBe('1cb873ec42');
    expect(hparamsHash(resolveHparams('quickstart'))).toBe('a8ed01229c');
    const withDropout = hparamsHash(parseHparams({ model: { model: 'mlp-40-20', dropout: 0.5 } }));
    expect(withDropout).toMatch(/^[0-9a-f]{10}$/);
    expect(withDropout).not.toBe('df05d7c581');
  });
});
