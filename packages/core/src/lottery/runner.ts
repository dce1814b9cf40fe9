// Iterative magnitude pruning (IMP): train → prune → reset to iteration 0 (or rewind to iteration k) →
// retrain, for L levels and T trials, with every level stored, skipped when finished and resumed from its
// last checkpoint when interrupted. Nothing here prints: progress goes out through `onEvent`.
import { existsSync } from 'node:fs';
import { readLevelSummary } from './summary-file.js';
import { join } from 'node:path';
import { resolveDevice, type DeviceRequest } from '@lth/native-sparse';
import { loadDataset } from '../data/sources.js';
import { prepare, type PreparedData } from '../data/prepare.js';
import { residentFor, type ResidentData } from '../train/resident.js';
import { hparamsHash, nonDefault } from '../hparams/hash.js';
import { toIterations, type Hparams } from '../hparams/schema.js';
import { BatchError, batchUnsupported } from '../models/batched-mlp.js';
import { createModel, initialize } from '../models/registry.js';
import type { Model } from '../models/types.js';
import { density, type Density } from '../prune/strategy.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { acquireTrialLock } from '../store/lock.js';
import { isLevelDone, levelDir, readMetricsCsv, runDir, trialDir, writeMetricsCsv } from '../store/layout.js';
import { Optimizer } from '../train/optimizer.js';
import { itersPerEpoch, train, type MetricRow, type TrainAccumulators, type TrainProgress } from '../train/trainer.js';
import { runLotteryBatched } from './batched-runner.js';
import { checkpointTensorsFile, readCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { EarlyStop } from './early-stop.js';
import { prepareLevelMasks, runLevels, summarize } from './level.js';
import { applyMasks, loadWeights, saveWeights } from './weights.js';

export interface LevelSummary {
  trial: number;
  level: number;
  density: Density;
  iterations: { start: number; end: number };
  earlyStop: EarlyStop | null;
  draftEarlyStop: EarlyStop | null;
  final: { testAccuracy: number; testLoss: number; valAccuracy: number | null; valLoss: number | null };
  hash: string;
}

export type LotteryEvent =
  | { type: 'run'; dir: string; hash: string; resumed: boolean }
  | {
      type: 'level-start'; trial: number; level: number; density: number; resumeFrom: number;
      /** Why the level's checkpoint was not resumed (the level restarts from its beginning), when it had one. */
      discardedCheckpoint?: string;
    }
  | { type: 'level-skip'; trial: number; level: number; summary: LevelSummary }
  | { type: 'progress'; trial: number; level: number; progress: TrainProgress }
  | { type: 'metrics'; trial: number; level: number; rows: MetricRow[] }
  | { type: 'level-end'; trial: number; level: number; summary: LevelSummary }
  | { type: 'stopped'; trial: number; level: number; iteration: number; /** false: stopped before its first iteration, nothing to checkpoint */ checkpointed?: boolean };

export interface LotteryOptions {
  root: string;
  device?: DeviceRequest;
  dataDir?: string;
  /** Data already loaded and prepared (tests, or several runs in one process). */
  data?: PreparedData;
  oneShot?: boolean;
  /** Checkpoint interval in iterations (default: every 1000 iterations, rounded to evaluation points). */
  checkpointEvery?: number;
  onEvent?: (e: LotteryEvent) => void;
  signal?: AbortSignal;
  /** Keep the data set on the device for the whole run (default: on for CUDA, off for the CPU). */
  residentData?: boolean;
  /**
   * Train all trials of a level together (weights stacked along a trial axis, batched kernels): the same results
   * and store as trial by trial, far fewer kernel calls. Fully connected models only (lenet-300-100, mlp-…),
   * no dropout; anything else throws ERR_BATCH. A stopped batched level leaves each trial's checkpoint in the
   * trial-by-trial format, so either path resumes the other's runs.
   */
  batchTrials?: boolean;
  /**
   * Run only these trials (default: all of hparams' trials). The hash and the store are those of the whole
   * run: a cluster job trains its trial of a run whose other trials other jobs train (`lth submit`).
   */
  trials?: number[];
  /** Stop after this level (default: the last): one job per level of a trial, each resuming where the last left. */
  untilLevel?: number;
}

export interface LotteryResult {
  dir: string;
  hash: string;
  complete: boolean;
  summaries: LevelSummary[];
}

export async function loadPrepared(h: Hparams, dataDir?: string): Promise<PreparedData> {
  if (h.dataset.dataset === 'xor') throw new Error('the xor data set runs through the XOR experiment, not IMP on images');
  const ds = await loadDataset(h.dataset.dataset, dataDir ? { dataDir } : {});
  return prepare(ds.train, ds.test, {
    validationSize: h.dataset.validationSize, subset: h.dataset.subset, testSubset: h.dataset.testSubset, seed: h.lottery.seed,
  });
}

/** Run (or resume) an IMP experiment. */
export async function runLottery(h: Hparams, opts: LotteryOptions): Promise<LotteryResult> {
  const unbatchable = opts.batchTrials ? batchUnsupported(h) : null;
  if (unbatchable) throw new BatchError(unbatchable);
  const hash = hparamsHash(h);
  const kind = opts.oneShot ? 'oneshot' : 'lottery';
  const dir = runDir(opts.root, kind, hash);
  const trials = selectedTrials(h.lottery.trials, opts.trials);
  if (opts.batchTrials && (opts.trials || opts.untilLevel !== undefined)) {
    throw new BatchError('--batch-trials trains every trial and level of the run together: it cannot be limited to some trials or levels');
  }
  const resumed = existsSync(join(dir, 'hparams.json'));
  writeJsonAtomic(join(dir, 'hparams.json'), { hparams: h, nonDefault: nonDefault(h), hash, kind });
  opts.onEvent?.({ type: 'run', dir, hash, resumed });

  const data = opts.data ?? (await loadPrepared(h, opts.dataDir));
  const device = resolveDevice(opts.device ?? 'cpu');
  const perEpoch = itersPerEpoch(h, data.train.count);
  const end = toIterations(h.training.steps, perEpoch);
  const rewindAt = toIterations(h.lottery.rewind, perEpoch);
  if (rewindAt >= end) throw new Error(`rewind point ${rewindAt} must be before the end of training (${end} iterations)`);
  const ckEvery = opts.checkpointEvery ?? Math.max(h.training.evalEvery, Math.round(1000 / h.training.evalEvery) * h.training.evalEvery);
  const summaries: LevelSummary[] = [];
  // The batched trainer augments on the host: no device copy for a batched run with augmentation.
  const resident = opts.batchTrials && h.dataset.augment ? null : residentFor(data, device, opts.residentData);
  if (opts.batchTrials) {
    const locks = trials.map((t) => acquireTrialLock(trialDir(dir, t)));
    const beat = () => locks.forEach((l) => l.heartbeat());
    try {
      return runLotteryBatched({ h, opts: { ...opts, onEvent: heartbeatOn(opts.onEvent, beat) }, dir, hash, data, device, end, rewindAt, ckEvery, resident });
    } finally {
      locks.forEach((l) => l.release());
      resident?.dispose();
    }
  }
  try {
    for (const t of trials) {
      const seed = h.lottery.seed + t;
      const dataSeed = h.training.dataOrderSeed || seed;
      const tdir = trialDir(dir, t);
      const resetFile = join(tdir, rewindAt === 0 ? 'init.safetensors' : 'rewind.safetensors');
      const lock = acquireTrialLock(tdir);
      const onEvent = heartbeatOn(opts.onEvent, () => lock.heartbeat());
      const model = createModel(h.model, data.exampleShape, data.classes, device);
      const optimizer = new Optimizer(model.params, h.training);
      try {
        // The trial's initialisation is drawn once and stored, so every level resets to the same values.
        if (!existsSync(join(tdir, 'init.safetensors'))) {
          initialize(model, h.model, seed);
          saveWeights(join(tdir, 'init.safetensors'), model, { seed: String(seed), hash });
        }
        const levels = runLevels(h, opts.oneShot ?? false).filter((l) => opts.untilLevel === undefined || l <= opts.untilLevel);
        let prev: number | null = null;
        for (const level of levels) {
          const ldir = levelDir(dir, t, level);
          if (isLevelDone(ldir)) {
            const summary = readLevelSummary(ldir);
            summaries.push(summary);
            onEvent?.({ type: 'level-skip', trial: t, level, summary });
            prev = level;
            continue;
          }
          prepareLevelMasks(model, h, dir, t, level, prev, opts.oneShot ?? false);
          const summary = trainLevel({
            h, data, model, optimizer, hash, end, ckEvery, dataSeed, dropoutSeed: seed, trial: t, level, ldir,
            levelStart: level === 0 ? 0 : rewindAt,
            fresh: () => {
              loadWeights(level === 0 ? join(tdir, 'init.safetensors') : resetFile, model);
              applyMasks(model.params);
            },
            onIteration: level === 0 && rewindAt > 0 ? (it) => {
              if (it === rewindAt && !existsSync(resetFile)) saveWeights(resetFile, model, { hash, iteration: String(it) });
            } : undefined,
            onEvent, signal: opts.signal, resident,
          });
          if (!summary) return { dir, hash, complete: false, summaries };
          summaries.push(summary);
          prev = level;
        }
      } finally {
        optimizer.dispose();
        model.dispose();
        lock.release();
      }
    }
  } finally {
    resident?.dispose();
  }
  return { dir, hash, complete: true, summaries };
}

export class TrialError extends Error {
  readonly code = 'ERR_TRIAL';
}

/** The trials to run: all of 0..count-1, or the requested ones (checked against count). */
export function selectedTrials(count: number, requested?: number[]): number[] {
  if (!requested) return Array.from({ length: count }, (_, t) => t);
  for (const t of requested) {
    if (!Number.isInteger(t) || t < 0 || t >= count) throw new TrialError(`trial ${t} does not exist: the run has trials 0..${count - 1}`);
  }
  return [...new Set(requested)].sort((a, b) => a - b);
}

/** Every event of a locked trial also refreshes the lock's heartbeat (progress events come every 50 iterations). */
export function heartbeatOn(onEvent: ((e: LotteryEvent) => void) | undefined, beat: () => void): (e: LotteryEvent) => void {
  return (e) => {
    beat();
    onEvent?.(e);
  };
}

export interface LevelContext {
  h: Hparams;
  data: PreparedData;
  model: Model;
  optimizer: Optimizer;
  hash: string;
  end: number;
  ckEvery: number;
  dataSeed: number;
  /** Seed of the dropout masks' stream: the trial's seed (each level draws the same masks at iteration i). */
  dropoutSeed: number;
  trial: number;
  level: number;
  ldir: string;
  /** The iteration this level's training starts from (0, or the rewind point). */
  levelStart: number;
  /** Put the level's starting weights into the model (masks are already in place). */
  fresh: () => void;
  onIteration?: ((it: number) => void) | undefined;
  onEvent?: ((e: LotteryEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** The run's data set kept on the device, or null (batches uploaded from the host). */
  resident?: ResidentData | null | undefined;
}

/**
 * Train one level and store it: resume from its checkpoint when there is one, else start from `fresh()`
 * (saved as the level's init.safetensors). Returns null when stopped by the signal (after a checkpoint).
 */
export function trainLevel(c: LevelContext): LevelSummary | null {
  const { model, optimizer, ldir, trial, level } = c;
  let start = c.levelStart;
  let rows: MetricRow[] = [];
  let accum: TrainAccumulators | undefined;
  optimizer.reset();
  const withDropout = c.h.model.dropout > 0;
  let ck = readCheckpoint(ldir);
  let discardedCheckpoint: string | undefined;
  if (ck && withDropout && ck.meta.dropoutSeed !== c.dropoutSeed) {
    // Written before dropout masks followed the trial seed (or by another stream): resuming it would switch streams
    // mid-level. Retraining the level from its start gives what an uninterrupted run of this version gives.
    discardedCheckpoint = ck.meta.dropoutSeed === undefined
      ? 'it was written before dropout masks followed the trial seed'
      : `its dropout stream (seed ${ck.meta.dropoutSeed}) is not this level's (seed ${c.dropoutSeed})`;
    removeCheckpoint(ldir);
    ck = null;
  }
  if (ck) {
    const { meta, tensors } = ck;
    loadWeights(checkpointTensorsFile(ldir), model);
    optimizer.load(meta.step, Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, v.data as Float32Array])));
    start = meta.iteration;
    rows = meta.rows;
    accum = meta.accum;
  } else {
    c.fresh();
    saveWeights(join(ldir, 'init.safetensors'), model, { hash: c.hash, level: String(level) });
  }
  c.onEvent?.({ type: 'level-start', trial, level, density: density(model.params).density, resumeFrom: start, ...(discardedCheckpoint ? { discardedCheckpoint } : {}) });

  const checkpoint = (iteration: number, a: TrainAccumulators) => {
    const opt = optimizer.state();
    const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const p of model.params) tensors[p.name] = { shape: p.shape, data: p.value.download() };
    for (const b of model.buffers()) tensors[b.name] = { shape: b.value.shape, data: b.value.download() };
    for (const [k, v] of Object.entries(opt.tensors)) tensors[k] = { shape: v.shape, data: v.download() };
    writeCheckpoint(ldir, tensors, { iteration, step: opt.step, accum: a, rows, ...(withDropout ? { dropoutSeed: c.dropoutSeed } : {}) });
  };
  const { stoppedAt } = train(model, optimizer, c.data, c.h, {
    startIteration: start, endIteration: c.end, dataSeed: c.dataSeed, dropoutSeed: c.dropoutSeed, accum,
    checkpointEvery: c.ckEvery,
    onCheckpoint: checkpoint,
    onMetrics: (r) => {
      rows.push(...r);
      c.onEvent?.({ type: 'metrics', trial, level, rows: r });
    },
    onIteration: c.onIteration,
    onProgress: (progress) => c.onEvent?.({ type: 'progress', trial, level, progress }),
    signal: c.signal,
    ...(c.resident ? { resident: c.resident } : { residentData: false }),
  });
  if (stoppedAt < c.end) {
    c.onEvent?.({ type: 'stopped', trial, level, iteration: stoppedAt, checkpointed: true });
    return null;
  }
  saveWeights(join(ldir, 'final.safetensors'), model, { hash: c.hash, level: String(level) });
  writeMetricsCsv(join(ldir, 'metrics.csv'), rows);
  const summary = summarize(trial, level, model, rows, c.levelStart, c.end, c.hash);
  writeJsonAtomic(join(ldir, 'hparams.json'), c.h);
  writeJsonAtomic(join(ldir, 'summary.json'), summary);
  removeCheckpoint(ldir);
  c.onEvent?.({ type: 'level-end', trial, level, summary });
  return summary;
}

export { readMetricsCsv };
