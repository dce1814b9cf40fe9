// Memory stays flat over a long run: 10,000 training steps of a small MLP through the normal IMP path
// (runLottery: level 0 dense, prune, reset, level 1; evaluations, metrics, checkpoints, store writes), with the
// process RSS sampled every 50 iterations from the progress events. Sampled by iteration, never by time.
//
// The bound: after a 1,000-step warm-up, RSS may not grow by more than 32 MiB. Batch 128 on mlp-64 (784 inputs):
// a leak of one batch-sized tensor per step over the 9,000 steps that follow would add
//   input  [128, 784] f32 = 392 KiB/step → 3.4 GiB
//   hidden [128, 64]  f32 =  32 KiB/step → 288 MiB
//   logits [128, 10]  f32 =   5 KiB/step →  45 MiB
// so even the smallest one clearly exceeds it, while allocator and V8 heap noise stay well below.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PreparedData, Split } from '../src/data/prepare.js';
import { parseHparams } from '../src/hparams/schema.js';
import { runLottery } from '../src/lottery/runner.js';
import { testDevice } from './support/test-device.js';

const device = testDevice();
const tmp = mkdtempSync(join(tmpdir(), 'lth-rss-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const STEPS_PER_LEVEL = 5000;
const WARMUP = 1000;
const BOUND_MIB = 32;

/** `count` 28×28 examples: class c lights pixel rows 2c..2c+2, plus deterministic noise. */
function synthetic(count: number, salt: number): Split {
  const x = new Float32Array(count * 784);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const c = (k * 7 + salt) % 10;
    y[k] = c;
    for (let i = 0; i < 784; i++) {
      const row = Math.floor(i / 28);
      x[k * 784 + i] = (row >= 2 * c && row < 2 * c + 3 ? 1 : 0) + (((k * 131 + i * 17 + salt) % 97) / 97 - 0.5) * 0.4;
    }
  }
  return { x, y, count };
}

describe(`RSS over 10,000 training steps [${device}]`, () => {
  it('stays flat after warm-up (growth < 32 MiB)', async () => {
    const data: PreparedData = {
      train: synthetic(2048, 0),
      validation: synthetic(256, 1),
      test: synthetic(256, 2),
      exampleShape: [1, 28, 28],
      classes: 10,
    };
    const h = parseHparams({
      dataset: { batchSize: 128, validationSize: 256 },
      model: { model: 'mlp-64' },
      training: { steps: `${STEPS_PER_LEVEL}it`, evalEvery: 500 },
      lottery: { levels: 1 },
    });
    const samples: Array<{ step: number; rss: number }> = [];
    const r = await runLottery(h, {
      device,
      root: tmp,
      data,
      onEvent: (e) => {
        if (e.type === 'progress') samples.push({ step: e.level * STEPS_PER_LEVEL + e.progress.iteration, rss: process.memoryUsage.rss() });
      },
    });
    expect(r.complete).toBe(true);
    expect(r.summaries.map((s) => s.level)).toEqual([0, 1]);
    expect(r.summaries[1]!.final.testAccuracy).toBeGreaterThan(0.9); // it trained: the steps were real
    expect(samples.length).toBe((2 * STEPS_PER_LEVEL) / 50);
    expect(samples.at(-1)!.step).toBe(2 * STEPS_PER_LEVEL);

    const after = samples.filter((s) => s.step >= WARMUP);
    const base = after[0]!.rss;
    const peak = Math.max(...after.map((s) => s.rss));
    const last = samples.at(-1)!.rss;
    const fmt = (b: number) => `${(b / MiB).toFixed(1)} MiB`;
    const report = `RSS at step ${after[0]!.step}: ${fmt(base)}, peak after it: ${fmt(peak)}, at step ${samples.at(-1)!.step}: ${fmt(last)}`;
    console.log(report);
    expect(peak - base, report).toBeLessThan(BOUND_MIB * MiB);
  });
});
