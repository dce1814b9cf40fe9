// Iterative magnitude pruning (IMP): train → prune → reset to iteration 0 (or rewind to iteration k) →
// retrain, for L levels and T trials, with every level stored, skipped when finished and resumed from its
// last checkpoint when interrupted. Trial by trial, or all trials of a level together (batchTrials): the same
// level runner (level-runner.ts) and the same store either way. Nothing here prints: progress goes out through
// `onEvent`.
import { existsSync } from 'node:fs';
import { resolveDevice } from '@lth/native-sparse';
import { loadDataset } from '../data/sources.js';
import { prepare, type PreparedData } from '../data/prepare.js';
import { residentFor } from '../train/resident.js';
import { hparamsHash, nonDefault } from '../hparams/hash.js';
import { toIterations, type Hparams } from '../hparams/schema.js';
import { BatchError, batchUnsupported } from '../models/batched-mlp.js';
import { createModel, initialize } from '../models/registry.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { acquireTrialLock, type TrialLock } from '../store/lock.js';
import { isLevelDone, levelDir, readMetricsCsv, resetFile, runDir, runHparamsFile, trialDir, trialInitFile } from '../store/layout.js';
import { itersPerEpoch } from '../train/loop.js';
import { readCheckpointMeta } from './checkpoint.js';
import { prepareLevelMasks, runLevels } from './level.js';
import { trainLevelGroup } from './level-runner.js';
import { batchedSparseUnsupported, TRAIN_PATH_REQUESTS, TrainPathError, type TrainPathOptions } from '../train/train-paths.js';
import { readLevelSummary } from './summary-file.js';
import type { LevelSummary, LotteryEvent, LotteryOptions, LotteryResult } from './types.js';
import { applyMasks, loadWeights, saveWeights } from './weights.js';

export type { LevelSummary, LotteryEvent, LotteryOptions, LotteryResult } from './types.js';

export async function loadPrepared(h: Hparams, dataDir?: string): Promise<PreparedData> {
  if (h.dataset.dataset === 'xor') throw new Error('the xor data set runs through the XOR experiment, not IMP on images');
  const ds = await loadDataset(h.dataset.dataset, dataDir ? { dataDir } : {});
  return prepare(ds.train, ds.test, {
    validationSize: h.dataset.validationSize,
    subset: h.dataset.subset,
    testSubset: h.dataset.testSubset,
    seed: h.lottery.seed,
  });
}

const byTrialThenLevel = (a: LevelSummary, b: LevelSummary) => a.trial - b.trial || a.level - b.level;

/** Run (or resume) an IMP experiment. */
export async function runLottery(h: Hparams, opts: LotteryOptions): Promise<LotteryResult> {
  const unbatchable = opts.batchTrials ? batchUnsupported(h) : null;
  if (unbatchable) throw new BatchError(unbatchable);
  const trainPaths = trainPathOptions(opts);
  if (opts.batchTrials && trainPaths.request === 'sparse') throw new TrainPathError(batchedSparseUnsupported);
  const hash = hparamsHash(h);
  const kind = opts.oneShot ? 'oneshot' : 'lottery';
  const dir = runDir(opts.root, kind, hash);
  const trials = selectedTrials(h.lottery.trials, opts.trials);
  if (opts.batchTrials && (opts.trials || opts.untilLevel !== undefined)) {
    throw new BatchError('--batch-trials trains every trial and level of the run together: it cannot be limited to some trials or levels');
  }
  const resumed = existsSync(runHparamsFile(dir));
  writeJsonAtomic(runHparamsFile(dir), { hparams: h, nonDefault: nonDefault(h), hash, kind });
  opts.onEvent?.({ type: 'run', dir, hash, resumed });

  const data = opts.data ?? (await loadPrepared(h, opts.dataDir));
  const device = resolveDevice(opts.device ?? 'cpu');
  const perEpoch = itersPerEpoch(h, data.train.count);
  const end = toIterations(h.training.steps, perEpoch);
  const rewindAt = toIterations(h.lottery.rewind, perEpoch);
  if (rewindAt >= end) throw new Error(`rewind point ${rewindAt} must be before the end of training (${end} iterations)`);
  const ckEvery = opts.checkpointEvery ?? Math.max(h.training.evalEvery, Math.round(1000 / h.training.evalEvery) * h.training.evalEvery);
  const oneShot = opts.oneShot ?? false;
  const levels = runLevels(h, oneShot).filter((l) => opts.untilLevel === undefined || l <= opts.untilLevel);
  const batched = opts.batchTrials ?? false;
  const summaries: LevelSummary[] = [];
  const result = (complete: boolean): LotteryResult => ({ dir, hash, complete, summaries: summaries.sort(byTrialThenLevel) });
  // Batched trials augment on the host: no device copy for a batched run with augmentation.
  const resident = batched && h.dataset.augment ? null : residentFor(data, device, opts.residentData);
  try {
    // Trial by trial, or every trial at once; each group of trials holds its trials' locks while it trains.
    for (const group of batched ? [trials] : trials.map((t) => [t])) {
      const locks: TrialLock[] = [];
      // The architecture's solo model: trained itself trial by trial, the vehicle of every trial's files batched.
      const solo = createModel(h.model, data.exampleShape, data.classes, device);
      try {
        for (const t of group) locks.push(acquireTrialLock(trialDir(dir, t)));
        const onEvent = heartbeatOn(opts.onEvent, () => locks.forEach((l) => l.heartbeat()));
        // The trial's initialisation is drawn once and stored, so every level resets to the same values.
        for (const t of group) {
          if (existsSync(trialInitFile(dir, t))) continue;
          initialize(solo, h.model, h.lottery.seed + t);
          saveWeights(trialInitFile(dir, t), solo, { seed: String(h.lottery.seed + t), hash });
        }
        for (let li = 0; li < levels.length; li++) {
          const level = levels[li]!;
          const prev = li > 0 ? levels[li - 1]! : null;
          const pending: number[] = [];
          for (const t of group) {
            const ldir = levelDir(dir, t, level);
            if (!isLevelDone(ldir)) {
              pending.push(t);
              continue;
            }
            const summary = readLevelSummary(ldir);
            summaries.push(summary);
            onEvent({ type: 'level-skip', trial: t, level, summary });
          }
          for (const at of byResumePoint(dir, level, pending)) {
            const done = trainLevelGroup({
              h,
              data,
              hash,
              level,
              levelStart: level === 0 ? 0 : rewindAt,
              end,
              ckEvery,
              solo,
              batched,
              trials: at.map((t) => ({
                trial: t,
                ldir: levelDir(dir, t, level),
                dataSeed: h.training.dataOrderSeed || h.lottery.seed + t,
                dropoutSeed: h.lottery.seed + t,
                masks: () => prepareLevelMasks(solo, h, dir, t, level, prev, oneShot),
                fresh: () => {
                  loadWeights(level === 0 ? trialInitFile(dir, t) : resetFile(dir, t, rewindAt), solo);
                  applyMasks(solo.params);
                },
              })),
              rewind: { at: rewindAt, file: (t) => resetFile(dir, t, rewindAt) },
              onEvent,
              signal: opts.signal,
              resident,
              trainPaths,
            });
            if (!done) return result(false);
            summaries.push(...done);
          }
        }
      } finally {
        solo.dispose();
        locks.forEach((l) => l.release());
      }
    }
  } finally {
    resident?.dispose();
  }
  return result(true);
}

/**
 * The pending trials of a level grouped by where they stand — no checkpoint (the level's start), or a checkpoint
 * at iteration i — so each group trains from one point and no checkpoint is ever discarded. Usually there is one
 * group; several arise when a trial-by-trial run stopped inside a trial and resumes batched.
 */
function byResumePoint(dir: string, level: number, trials: number[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const t of trials) {
    const meta = readCheckpointMeta(levelDir(dir, t, level));
    const key = meta ? `${meta.iteration}/${meta.step}/${meta.accum.seen}` : 'start';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()];
}

/** The train-path request and crossovers of a run's options, checked. */
export function trainPathOptions(opts: { trainPath?: string | undefined; crossovers?: TrainPathOptions['crossovers'] }): TrainPathOptions {
  const request = opts.trainPath ?? 'auto';
  if (!(TRAIN_PATH_REQUESTS as readonly string[]).includes(request)) {
    throw new TrainPathError(`unknown train path '${request}' (expected ${TRAIN_PATH_REQUESTS.join(', ')})`);
  }
  return { request: request as TrainPathOptions['request'], ...(opts.crossovers ? { crossovers: opts.crossovers } : {}) };
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

export { readMetricsCsv };
