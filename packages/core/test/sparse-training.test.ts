// Sparse-aware IMP (issue 15): the fully connected layers train on the sparse kernels (structure built once per
// level, forward/backward at the mask's nonzeros, the optimizer at their positions) or masked-dense, per layer and
// level — an execution option, not a hyperparameter. On a slice of real MNIST: a sparse IMP lands where the
// masked-dense one does (the two differ by fp32 rounding only), auto follows the crossover table, a stopped sparse
// run resumes to the bytes of an uninterrupted one, batched trials keep training masked-dense, and the table file
// and the summary field fail or read cleanly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedData } from '../src/data/prepare.js';
import { hparamsHash } from '../src/hparams/hash.js';
import { parseHparams, type HparamsInput } from '../src/hparams/schema.js';
import { runLottery, type LotteryEvent } from '../src/lottery/runner.js';
import { readLevelSummary } from '../src/lottery/summary-file.js';
import { levelDir } from '../src/store/layout.js';
import { readSafetensors } from '../src/store/safetensors.js';
import {
  crossoverFor,
  crossoverFromTimings,
  loadCrossovers,
  platformKey,
  readCrossoverFile,
  writeCrossoverFile,
} from '../src/train/sparse-crossover.js';
import { choosePath } from '../src/train/train-paths.js';
import { mnistSlice } from './support/mnist-slice.js';
import { testDevice } from './support/test-device.js';

const device = testDevice();
const tmp = mkdtempSync(join(tmpdir(), 'lth-sparse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;

beforeAll(async () => {
  data = await mnistSlice({ validationSize: 300, subset: 1200, seed: 1, test: 500 });
});

const base: HparamsInput = {
  dataset: { batchSize: 30, validationSize: 300, subset: 1200 },
  model: { model: 'lenet-300-100' },
  training: { steps: '60it', evalEvery: 20 },
  lottery: { levels: 3 },
  pruning: { fcRate: 0.5, outputRate: 0.3 },
};

const startsOf = (events: LotteryEvent[]) =>
  events.filter((e): e is Extract<LotteryEvent, { type: 'level-start' }> => e.type === 'level-start');

function finalWeights(dir: string, level: number) {
  return readSafetensors(join(levelDir(dir, 0, level), 'final.safetensors')).tensors;
}

describe('sparse-aware IMP', () => {
  it('a 3-level LeNet IMP trained sparse ends where the masked-dense one does, in the same run directory', async () => {
    const h = parseHparams(base);
    const dense = await runLottery(h, { device, root: join(tmp, 'dense'), data, trainPath: 'dense' });
    const events: LotteryEvent[] = [];
    const sparse = await runLottery(h, { device, root: join(tmp, 'sparse'), data, trainPath: 'sparse', onEvent: (e) => events.push(e) });
    // Not a hyperparameter: the hash and the run directory are the same.
    expect(sparse.hash).toBe(dense.hash);
    expect(sparse.hash).toBe(hparamsHash(h));
    expect(sparse.dir.replace(join(tmp, 'sparse'), '')).toBe(dense.dir.replace(join(tmp, 'dense'), ''));
    for (const s of startsOf(events)) expect(s.trainPaths!.map((p) => p.path)).toEqual(['sparse', 'sparse', 'sparse']);
    expect(sparse.summaries.map((s) => s.trainPaths)).toEqual([0, 1, 2, 3].map(() => ({ fc1: 'sparse', fc2: 'sparse', fc3: 'sparse' })));
    expect(dense.summaries.map((s) => s.trainPaths)).toEqual([0, 1, 2, 3].map(() => ({ fc1: 'dense', fc2: 'dense', fc3: 'dense' })));
    for (let level = 0; level <= 3; level++) {
      const d = dense.summaries[level]!;
      const s = sparse.summaries[level]!;
      // The same masks' densities; accuracies within the noise fp32 rounding drives over 60 steps (500 test images).
      expect(s.density).toEqual(d.density);
      expect(Math.abs(s.final.testAccuracy - d.final.testAccuracy)).toBeLessThanOrEqual(0.03);
      // Pruned weights stay exactly 0 on the sparse path; the alive ones end close to the dense run's.
      const fw = finalWeights(sparse.dir, level);
      const fd = finalWeights(dense.dir, level);
      const mask = readSafetensors(join(levelDir(sparse.dir, 0, level), 'mask.safetensors')).tensors;
      for (const name of ['fc1.weight', 'fc2.weight', 'fc3.weight']) {
        const m = mask[name]!.data;
        const w = fw[name]!.data;
        const nonzeroPruned = [];
        for (let i = 0; i < m.length; i++) if (!m[i] && w[i] !== 0) nonzeroPruned.push(i);
        expect(nonzeroPruned, `level ${level} ${name}: pruned weights not 0`).toEqual([]);
        let diff = 0;
        let norm = 0;
        for (let i = 0; i < w.length; i++) {
          diff += (w[i]! - fd[name]!.data[i]!) ** 2;
          norm += fd[name]!.data[i]! ** 2;
        }
        expect(Math.sqrt(diff / norm), `level ${level} ${name}`).toBeLessThan(0.05);
      }
    }
    expect(dense.summaries[3]!.final.testAccuracy).toBeGreaterThan(0.6);
  });

  it('SGD with momentum steps only the alive weights too: the sparse run matches the masked-dense one', async () => {
    const h = parseHparams({
      ...base,
      model: { model: 'mlp-40-20' },
      training: { ...base.training, optimizer: 'momentum', lr: 0.05 },
      lottery: { levels: 1 },
    });
    const dense = await runLottery(h, { device, root: join(tmp, 'sgd-dense'), data, trainPath: 'dense' });
    const sparse = await runLottery(h, { device, root: join(tmp, 'sgd-sparse'), data, trainPath: 'sparse' });
    const a = finalWeights(dense.dir, 1)['fc1.weight']!.data;
    const b = finalWeights(sparse.dir, 1)['fc1.weight']!.data;
    const mask = readSafetensors(join(levelDir(sparse.dir, 0, 1), 'mask.safetensors')).tensors['fc1.weight']!.data;
    let diff = 0;
    let norm = 0;
    const nonzeroPruned = [];
    for (let i = 0; i < a.length; i++) {
      diff += (a[i]! - b[i]!) ** 2;
      norm += a[i]! ** 2;
      if (!mask[i] && b[i] !== 0) nonzeroPruned.push(i);
    }
    expect(nonzeroPruned).toEqual([]);
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.05);
    expect(Math.abs(sparse.summaries[1]!.final.testAccuracy - dense.summaries[1]!.final.testAccuracy)).toBeLessThanOrEqual(0.03);
  });

  it('auto trains a layer sparse exactly at the levels where its density is below its crossover', async () => {
    const h = parseHparams(base);
    // fc1/fc2 go 100% → 50% → 25% → 12.5%; fc3 (output) 100% → 70% → 49% → 34.3%.
    const crossovers = { [platformKey(device)]: { '300x784': 0.3, default: 0.4 } };
    const events: LotteryEvent[] = [];
    const r = await runLottery(h, { device, root: join(tmp, 'auto'), data, trainPath: 'auto', crossovers, onEvent: (e) => events.push(e) });
    const paths = startsOf(events).map((s) => s.trainPaths!.map((p) => `${p.layer} ${p.path}`).join(', '));
    expect(paths).toEqual([
      'fc1 dense, fc2 dense, fc3 dense',
      'fc1 dense, fc2 dense, fc3 dense',
      'fc1 sparse, fc2 sparse, fc3 dense',
      'fc1 sparse, fc2 sparse, fc3 sparse',
    ]);
    expect(startsOf(events)[2]!.trainPaths![0]!.reason).toMatch(/density 25\.0% < crossover 30\.0%/);
    expect(r.summaries[2]!.trainPaths).toEqual({ fc1: 'sparse', fc2: 'sparse', fc3: 'dense' });
    // Without a measured crossover for the platform, auto stays masked-dense.
    expect(choosePath('auto', 0.01, [300, 784], 'cuda', crossovers)).toEqual({ path: 'dense', reason: 'no crossover measured for cuda' });
  });

  it('a sparse run stopped mid-level resumes to the bytes of an uninterrupted sparse run', async () => {
    const h = parseHparams({ ...base, lottery: { levels: 2 } });
    const straight = await runLottery(h, { device, root: join(tmp, 'straight'), data, trainPath: 'sparse', checkpointEvery: 20 });
    const root = join(tmp, 'stopped');
    const ac = new AbortController();
    const stopped = await runLottery(h, {
      device,
      root,
      data,
      trainPath: 'sparse',
      checkpointEvery: 20,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'metrics' && e.level === 1 && e.rows[0]!.iteration === 40) ac.abort();
      },
    });
    expect(stopped.complete).toBe(false);
    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { device, root, data, trainPath: 'sparse', checkpointEvery: 20, onEvent: (e) => events.push(e) });
    expect(resumed.complete).toBe(true);
    const start = startsOf(events).find((e) => e.level === 1)!;
    expect(start.resumeFrom).toBe(40);
    expect(start.trainPaths!.every((p) => p.path === 'sparse')).toBe(true);
    expect(resumed.summaries).toEqual(straight.summaries);
    for (const level of [1, 2]) {
      const a = finalWeights(straight.dir, level);
      const b = finalWeights(resumed.dir, level);
      for (const k of Object.keys(a))
        expect(Buffer.from(b[k]!.data.buffer).equals(Buffer.from(a[k]!.data.buffer)), `level ${level} ${k}`).toBe(true);
      expect(readFileSync(join(levelDir(resumed.dir, 0, level), 'metrics.csv'), 'utf8')).toBe(
        readFileSync(join(levelDir(straight.dir, 0, level), 'metrics.csv'), 'utf8'),
      );
    }
  });

  it('batched trials train masked-dense under auto (and say why); forcing sparse with them is a clear error', async () => {
    const h = parseHparams({ ...base, model: { model: 'mlp-40-20' }, lottery: { levels: 1, trials: 2 } });
    const crossovers = { [platformKey(device)]: { default: 1 } };
    const events: LotteryEvent[] = [];
    const r = await runLottery(h, {
      device,
      root: join(tmp, 'batched'),
      data,
      batchTrials: true,
      trainPath: 'auto',
      crossovers,
      onEvent: (e) => events.push(e),
    });
    expect(r.complete).toBe(true);
    for (const s of startsOf(events)) {
      expect(s.trainPaths!.map((p) => p.path)).toEqual(['dense', 'dense', 'dense']);
      expect(s.trainPaths![0]!.reason).toMatch(/batched trials train masked-dense/);
    }
    await expect(
      runLottery(h, { device, root: join(tmp, 'batched-sparse'), data, batchTrials: true, trainPath: 'sparse' }),
    ).rejects.toMatchObject({
      code: 'ERR_TRAIN_PATH',
      message: expect.stringMatching(/--train-path sparse cannot be used with --batch-trials/),
    });
  });

  it('a store written before sparse-aware training (no trainPaths in its summaries) resumes as before', async () => {
    const h = parseHparams({ ...base, model: { model: 'mlp-40-20' }, lottery: { levels: 1 } });
    const first = await runLottery(h, { device, root: join(tmp, 'old'), data, untilLevel: 0 });
    const file = join(levelDir(first.dir, 0, 0), 'summary.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete old.trainPaths;
    writeFileSync(file, JSON.stringify(old));
    expect(readLevelSummary(levelDir(first.dir, 0, 0)).trainPaths).toBeUndefined();
    const events: LotteryEvent[] = [];
    const r = await runLottery(h, { device, root: join(tmp, 'old'), data, onEvent: (e) => events.push(e) });
    expect(r.complete).toBe(true);
    expect(events.filter((e) => e.type === 'level-skip').map((e) => e.type === 'level-skip' && e.level)).toEqual([0]);
    expect(r.summaries[1]!.trainPaths).toBeDefined();
  });
});

describe('crossover table', () => {
  it('the crossover is where sparse stops winning, interpolated between the measured densities', () => {
    const pts = (r: number[][]) => r.map(([density, denseMs, sparseMs]) => ({ density: density!, denseMs: denseMs!, sparseMs: sparseMs! }));
    // Ratios sparse/dense: 0.5 at 10%, 0.8 at 20%, 1.2 at 40% → 1 halfway between 20% and 40%.
    expect(
      crossoverFromTimings(
        pts([
          [0.4, 1, 1.2],
          [0.1, 1, 0.5],
          [0.2, 1, 0.8],
        ]),
      ),
    ).toBeCloseTo(0.3, 10);
    expect(
      crossoverFromTimings(
        pts([
          [0.1, 1, 1.5],
          [0.5, 1, 2],
        ]),
      ),
    ).toBe(0);
    expect(
      crossoverFromTimings(
        pts([
          [0.1, 1, 0.2],
          [0.9, 1, 0.9],
        ]),
      ),
    ).toBe(0.9);
    expect(() => crossoverFromTimings([])).toThrow(/no calibration points/);
    const table = { 'cpu/avx2': { '300x784': 0.25, default: 0.1 } };
    expect(crossoverFor(table, 'cpu/avx2', [300, 784])).toBe(0.25);
    expect(crossoverFor(table, 'cpu/avx2', [100, 300])).toBe(0.1);
    expect(crossoverFor(table, 'cpu/avx512', [300, 784])).toBeNull();
  });

  it('the file: written merged by platform, read back; a corrupt or malformed one is an ERR_CROSSOVER naming it', () => {
    const file = join(tmp, 'crossovers.json');
    expect(loadCrossovers(file).source).toBe('built-in crossovers');
    writeCrossoverFile(file, { version: 1, measuredOn: 'a', batchSize: 60, crossovers: { 'cpu/avx2': { default: 0.1 } } });
    writeCrossoverFile(file, {
      version: 1,
      measuredOn: 'b',
      batchSize: 60,
      crossovers: { 'cpu/avx512': { '300x784': 0.2, default: 0.15 } },
    });
    const { table, source } = loadCrossovers(file);
    expect(source).toBe(file);
    expect(table.crossovers).toEqual({ 'cpu/avx2': { default: 0.1 }, 'cpu/avx512': { '300x784': 0.2, default: 0.15 } });
    writeFileSync(file, '{"version": 1, "measuredOn": "x", "batch');
    expect(() => readCrossoverFile(file)).toThrow(
      expect.objectContaining({ code: 'ERR_CROSSOVER', message: expect.stringContaining(file) }),
    );
    writeFileSync(file, JSON.stringify({ version: 1, measuredOn: 'x', batchSize: 60, crossovers: { 'cpu/avx2': { default: 3 } } }));
    expect(() => loadCrossovers(file)).toThrow(/crossovers\.cpu\/avx2\.default/);
    writeFileSync(file, JSON.stringify({ version: 1, measuredOn: 'x', batchSize: 60, crossovers: { 'cpu/avx2': { fc1: 0.2 } } }));
    expect(() => loadCrossovers(file)).toThrow(/calibrate-sparse/);
  });
});
