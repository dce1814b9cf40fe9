// Device-resident data: batches gathered on the device from the uploaded data set give bit-identical
// training to batches copied on the host and uploaded each step (same order, same values), in a plain
// training run, a lottery run and its evaluation.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities, zeros, type Device } from '@lth/native-sparse';
import type { PreparedData } from '../src/data/prepare.js';
import { mnistSlice } from './support/mnist-slice.js';
import { parseHparams } from '../src/hparams/schema.js';
import { runLottery } from '../src/lottery/runner.js';
import { createModel, initialize } from '../src/models/registry.js';
import { readSafetensors } from '../src/store/safetensors.js';
import { evaluate } from '../src/train/evaluate.js';
import { Optimizer } from '../src/train/optimizer.js';
import { ResidentBatcher, ResidentData } from '../src/train/resident.js';
import { train, type MetricRow } from '../src/train/trainer.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-resident-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;

beforeAll(async () => {
  data = await mnistSlice({ validationSize: 200, subset: 800, seed: 3, test: 700 });
});

const caps = capabilities();
const devices: Device[] = ['cpu', ...(caps.cuda.kernels && caps.cuda.devices.length > 0 ? ['cuda' as const] : [])];
if (devices.length === 1) console.warn('[skip] resident data on cuda: no CUDA kernels or device here');

const h = parseHparams({
  dataset: { batchSize: 25, validationSize: 200, subset: 800 },
  model: { model: 'mlp-32-16' },
  training: { steps: '70it', evalEvery: 30, optimizer: 'adam', lr: 0.002 },
});

function trainOnce(device: Device, residentData: boolean) {
  const model = createModel(h.model, data.exampleShape, data.classes, device);
  const opt = new Optimizer(model.params, h.training);
  try {
    initialize(model, h.model, 11);
    const rows: MetricRow[] = [];
    train(model, opt, data, h, { startIteration: 0, endIteration: 70, dataSeed: 5, residentData, onMetrics: (r) => rows.push(...r) });
    return { rows, weights: model.params.map((p) => p.value.download()) };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

describe.each(devices)('resident data on %s', (device) => {
  it('gathers exactly the rows the host path copies', () => {
    const r = new ResidentData(data, device);
    const size = 784;
    const b = new ResidentBatcher(r.train, 4, device);
    try {
      const idx = new Int32Array([599, 0, 17, 17]);
      const x = zeros([4, 1, 28, 28], { device });
      const y = zeros([4], { dtype: 'i32', device });
      b.fill(idx, x, y);
      const want = new Float32Array(4 * size);
      idx.forEach((s, k) => want.set(data.train.x.subarray(s * size, (s + 1) * size), k * size));
      expect(x.download()).toEqual(want);
      expect(Array.from(y.download())).toEqual(Array.from(idx, (s) => data.train.y[s]!));
      expect(() => b.fill(new Int32Array(3), x, y)).toThrow(/3 rows for a batch of 4/);
      x.dispose();
      y.dispose();
    } finally {
      b.dispose();
      r.dispose();
    }
  });

  it('training and evaluation are bit-identical with and without resident data', () => {
    const host = trainOnce(device, false);
    const resident = trainOnce(device, true);
    expect(resident.rows).toEqual(host.rows);
    expect(host.rows.some((r) => r.name === 'test_accuracy' && r.iteration === 70)).toBe(true);
    resident.weights.forEach((w, i) => expect(w).toEqual(host.weights[i]));
  });

  it('evaluate() on a resident split equals the uploaded split, including the partial last batch', () => {
    const model = createModel(h.model, data.exampleShape, data.classes, device);
    const r = new ResidentData(data, device);
    try {
      initialize(model, h.model, 2);
      const a = evaluate(model, data.test, data.exampleShape, { batch: 300 });
      const b = evaluate(model, data.test, data.exampleShape, { batch: 300, resident: r.test });
      expect(b).toEqual(a);
      expect(a.count).toBe(700);
    } finally {
      r.dispose();
      model.dispose();
    }
  });

  it('with augmentation, the device gathers and augments (flipTranslate) to the same training as the host path', () => {
    // CIFAR-shaped (3×8×8) synthetic data: the host path augments with augmentBatch, the resident one on the device.
    const rng = (() => {
      let s = 99;
      return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    })();
    const shape = [3, 8, 8];
    const split = (count: number) => ({
      x: Float32Array.from({ length: count * 192 }, () => rng() * 2 - 1),
      y: Int32Array.from({ length: count }, () => Math.floor(rng() * 10)),
      count,
    });
    const small: PreparedData = { train: split(200), validation: split(50), test: split(80), exampleShape: shape, classes: 10 };
    const ha = parseHparams({
      dataset: { batchSize: 20, augment: true },
      model: { model: 'mlp-24-12' },
      training: { steps: '30it', evalEvery: 10, optimizer: 'adam', lr: 0.003 },
    });
    const once = (residentData: boolean) => {
      const model = createModel(ha.model, shape, 10, device);
      const opt = new Optimizer(model.params, ha.training);
      try {
        initialize(model, ha.model, 4);
        const rows: MetricRow[] = [];
        train(model, opt, small, ha, { startIteration: 0, endIteration: 30, dataSeed: 8, residentData, onMetrics: (r) => rows.push(...r) });
        return { rows, w: model.params.map((p) => p.value.download()) };
      } finally {
        opt.dispose();
        model.dispose();
      }
    };
    const host = once(false);
    const dev = once(true);
    expect(dev.rows).toEqual(host.rows);
    dev.w.forEach((w, i) => expect(w).toEqual(host.w[i]));
    // Augmentation matters here: without it the run differs (the test would pass vacuously otherwise).
    const plain = parseHparams({ ...ha, dataset: { ...ha.dataset, augment: false } });
    const model = createModel(plain.model, shape, 10, device);
    const opt = new Optimizer(model.params, plain.training);
    try {
      initialize(model, plain.model, 4);
      train(model, opt, small, plain, { startIteration: 0, endIteration: 30, dataSeed: 8, residentData: true });
      expect(model.params[0]!.value.download()).not.toEqual(host.w[0]);
    } finally {
      opt.dispose();
      model.dispose();
    }
  });

  it('a lottery run keeps its data resident across levels with the same results', async () => {
    const hl = parseHparams({ ...h, training: { ...h.training, steps: '40it', evalEvery: 20 }, lottery: { levels: 1 } });
    const a = await runLottery(hl, { root: join(tmp, `${device}-host`), data, device, residentData: false });
    const b = await runLottery(hl, { root: join(tmp, `${device}-resident`), data, device, residentData: true });
    expect(b.summaries.map((s) => s.final)).toEqual(a.summaries.map((s) => s.final));
    for (const level of [0, 1]) {
      const f = (dir: string) => readFileSync(join(dir, 'trial_0', `level_${level}`, 'metrics.csv'), 'utf8');
      expect(f(b.dir)).toBe(f(a.dir));
      const w = (dir: string) => readSafetensors(join(dir, 'trial_0', `level_${level}`, 'final.safetensors')).tensors['fc1.weight']!.data;
      expect(w(b.dir)).toEqual(w(a.dir));
    }
  });
});
