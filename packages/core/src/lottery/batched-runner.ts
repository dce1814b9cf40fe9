// IMP with all trials of a level trained together (LotteryOptions.batchTrials): the levels run in order, and at
// each level the trials that have not finished it train as one batched model (models/batched-mlp.ts,
// train/batched-trainer.ts). Everything per trial goes through the same code as the trial-by-trial path, on a
// solo model of the architecture: the initialisation, the level's masks (pruned per trial per layer from its
// previous level, lottery/level.ts), the reset/rewind weights, and the stored files — so the store (per-trial
// dirs, masks, init/final safetensors, metrics.csv, summary.json) is the one the sequential path writes, and
// either path resumes the other's runs.
//
// Resume is exact: a level stopped midway (signal, or every `ckEvery` iterations) leaves each trial's checkpoint
// in the trial-by-trial format (lottery/checkpoint.ts), and a resumed level continues from it, batched or not.
import { existsSync } from 'node:fs';
import { readLevelSummary } from './summary-file.js';
import { join } from 'node:path';
import type { Device } from '@lth/native-sparse';
import type { PreparedData } from '../data/prepare.js';
import type { Hparams } from '../hparams/schema.js';
import { createBatchedModel } from '../models/batched-mlp.js';
import { createModel, initialize } from '../models/registry.js';
import type { Model } from '../models/types.js';
import { density } from '../prune/strategy.js';
import { writeJsonAtomic } from '../store/atomic.js';
import type { NamedArray } from '../store/safetensors.js';
import { isLevelDone, levelDir, trialDir, writeMetricsCsv } from '../store/layout.js';
import { trainBatched } from '../train/batched-trainer.js';
import type { MetricRow } from '../train/metrics.js';
import type { TrainAccumulators } from '../train/trainer.js';
import { Optimizer } from '../train/optimizer.js';
import type { ResidentData } from '../train/resident.js';
import { checkpointTensorsFile, readCheckpoint, readCheckpointMeta, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import { prepareLevelMasks, runLevels, summarize } from './level.js';
import type { LevelSummary, LotteryOptions, LotteryResult } from './runner.js';
import { applyMasks, loadWeights, saveWeights } from './weights.js';

export interface BatchedRun {
  h: Hparams;
  opts: LotteryOptions;
  dir: string;
  hash: string;
  data: PreparedData;
  device: Device;
  /** Iterations per level. */
  end: number;
  /** The reset point (0: the initialisation). */
  rewindAt: number;
  /** Checkpoint interval in iterations. */
  ckEvery: number;
  resident: ResidentData | null;
}

const byTrialThenLevel = (a: LevelSummary, b: LevelSummary) => a.trial - b.trial || a.level - b.level;
const seedOf = (h: Hparams, t: number) => h.lottery.seed + t;
/** The file a trial's later levels reset to: its initialisation, or its weights at the rewind point. */
const resetFile = (r: BatchedRun, t: number) => join(trialDir(r.dir, t), r.rewindAt === 0 ? 'init.safetensors' : 'rewind.safetensors');

export function runLotteryBatched(r: BatchedRun): LotteryResult {
  const { h, opts, dir, hash, data, device } = r;
  const summaries: LevelSummary[] = [];
  // The unbatched twin of the architecture: the vehicle for every per-trial file and for pruning.
  const solo = createModel(h.model, data.exampleShape, data.classes, device);
  try {
    for (let t = 0; t < h.lottery.trials; t++) {
      if (existsSync(join(trialDir(dir, t), 'init.safetensors'))) continue;
      initialize(solo, h.model, seedOf(h, t));
      saveWeights(join(trialDir(dir, t), 'init.safetensors'), solo, { seed: String(seedOf(h, t)), hash });
    }
    const levels = runLevels(h, opts.oneShot ?? false);
    for (let li = 0; li < levels.length; li++) {
      const level = levels[li]!;
      const pending: number[] = [];
      for (let t = 0; t < h.lottery.trials; t++) {
        const ldir = levelDir(dir, t, level);
        if (!isLevelDone(ldir)) {
          pending.push(t);
          continue;
        }
        const summary = readLevelSummary(ldir);
        summaries.push(summary);
        opts.onEvent?.({ type: 'level-skip', trial: t, level, summary });
      }
      if (pending.length === 0) continue;
      const done = trainLevelBatched(r, solo, level, li > 0 ? levels[li - 1]! : null, pending);
      if (!done) return { dir, hash, complete: false, summaries: summaries.sort(byTrialThenLevel) };
      summaries.push(...done);
    }
  } finally {
    solo.dispose();
  }
  return { dir, hash, complete: true, summaries: summaries.sort(byTrialThenLevel) };
}

/**
 * Train `level` for the pending `trials` and store each trial's level; null when stopped by the signal (each
 * trial then keeps a checkpoint, in the trial-by-trial format). Trials resume from their checkpoints: the trials
 * are grouped by where they stand — no checkpoint (the level's start), or a checkpoint at iteration i — and each
 * group trains batched from there, so no checkpoint is ever discarded (a group of one is exactly the sequential
 * resume). Usually there is one group; several arise when a sequential run stopped inside a trial.
 */
function trainLevelBatched(r: BatchedRun, solo: Model, level: number, prev: number | null, trials: number[]): LevelSummary[] | null {
  const groups = new Map<string, number[]>();
  for (const t of trials) {
    const meta = readCheckpointMeta(levelDir(r.dir, t, level));
    const key = meta ? `${meta.iteration}/${meta.step}/${meta.accum.seen}` : 'start';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const out: LevelSummary[] = [];
  for (const group of groups.values()) {
    const done = trainGroup(r, solo, level, prev, group);
    if (!done) return null;
    out.push(...done);
  }
  return out;
}

/** Train `level` for `trials`, which all start at the level's start or all resume from checkpoints at one iteration. */
function trainGroup(r: BatchedRun, solo: Model, level: number, prev: number | null, trials: number[]): LevelSummary[] | null {
  const { h, opts, dir, hash, data, end } = r;
  const emit = opts.onEvent;
  const levelStart = level === 0 ? 0 : r.rewindAt;
  const cks = trials.map((t) => readCheckpoint(levelDir(dir, t, level)));
  const first = cks[0] ?? null;
  const start = first ? first.meta.iteration : levelStart;
  const batched = createBatchedModel(h, data.exampleShape, data.classes, trials.length, r.device);
  const optimizer = new Optimizer(batched.params, h.training);
  try {
    // Per trial, as trainLevel starts a level: masks, then the checkpoint's weights, or the reset weights masked
    // (stored as the level's init).
    trials.forEach((t, i) => {
      const ldir = levelDir(dir, t, level);
      prepareLevelMasks(solo, h, dir, t, level, prev, opts.oneShot ?? false);
      if (cks[i]) {
        loadWeights(checkpointTensorsFile(ldir), solo);
      } else {
        loadWeights(level === 0 ? join(trialDir(dir, t), 'init.safetensors') : resetFile(r, t), solo);
        applyMasks(solo.params);
        saveWeights(join(ldir, 'init.safetensors'), solo, { hash, level: String(level) });
      }
      batched.copyTrialFrom(i, solo);
      emit?.({ type: 'level-start', trial: t, level, density: density(solo.params).density, resumeFrom: start });
    });
    if (first) optimizer.load(first.meta.step, stackSlots(optimizer, cks.map((c) => c!.tensors), trials));
    const rows: MetricRow[][] = cks.map((c) => (c ? [...c.meta.rows] : []));
    // Each trial's checkpoint: its slice of the stacked parameters and optimizer state, named and shaped as the
    // solo model's (batched models have no buffers), with its accumulators and rows.
    const checkpoint = (iteration: number, accums: TrainAccumulators[]) => {
      const opt = optimizer.state();
      const stacked = [
        ...batched.params.map((p) => ({ name: p.name, value: p.value })),
        ...Object.entries(opt.tensors).map(([name, value]) => ({ name, value })),
      ].map(({ name, value }) => ({ name, shape: value.shape.slice(1), data: value.download() }));
      trials.forEach((t, i) => {
        const tensors: Record<string, NamedArray> = {};
        for (const s of stacked) {
          const n = s.data.length / trials.length;
          tensors[s.name] = { shape: s.shape, data: s.data.slice(i * n, (i + 1) * n) };
        }
        writeCheckpoint(levelDir(dir, t, level), tensors, { iteration, step: opt.step, accum: accums[i]!, rows: rows[i]! });
      });
    };
    const { stoppedAt } = trainBatched(batched, optimizer, data, h, {
      startIteration: start, endIteration: end, dataSeeds: trials.map((t) => h.training.dataOrderSeed || seedOf(h, t)),
      ...(first ? { accums: cks.map((c) => c!.meta.accum) } : {}),
      checkpointEvery: r.ckEvery,
      onCheckpoint: checkpoint,
      onMetrics: (i, rs) => {
        rows[i]!.push(...rs);
        emit?.({ type: 'metrics', trial: trials[i]!, level, rows: rs });
      },
      // Level 0 stores each trial's weights at the rewind point, as the sequential path does.
      onIteration: level === 0 && r.rewindAt > 0 ? (it) => {
        if (it !== r.rewindAt) return;
        trials.forEach((t, i) => {
          if (existsSync(resetFile(r, t))) return;
          batched.copyTrialTo(i, solo);
          saveWeights(resetFile(r, t), solo, { hash, iteration: String(it) });
        });
      } : undefined,
      onProgress: (progress) => emit?.({ type: 'progress', trial: trials[0]!, level, progress }),
      signal: opts.signal,
      ...(r.resident ? { resident: r.resident } : { residentData: false }),
    });
    if (stoppedAt < end) {
      for (const t of trials) emit?.({ type: 'stopped', trial: t, level, iteration: stoppedAt, checkpointed: stoppedAt > start });
      return null;
    }
    return trials.map((t, i) => {
      const ldir = levelDir(dir, t, level);
      batched.copyTrialTo(i, solo);
      saveWeights(join(ldir, 'final.safetensors'), solo, { hash, level: String(level) });
      writeMetricsCsv(join(ldir, 'metrics.csv'), rows[i]!);
      const summary = summarize(t, level, solo, rows[i]!, levelStart, end, hash);
      writeJsonAtomic(join(ldir, 'hparams.json'), h);
      writeJsonAtomic(join(ldir, 'summary.json'), summary);
      removeCheckpoint(ldir);
      emit?.({ type: 'level-end', trial: t, level, summary });
      return summary;
    });
  } finally {
    optimizer.dispose();
    batched.dispose();
  }
}

/** The optimizer state of the stacked model from the trials' checkpoints (`<param>.slot<k>`, trial-major). */
function stackSlots(optimizer: Optimizer, perTrial: Array<Record<string, NamedArray>>, trials: number[]): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(optimizer.state().tensors)) {
    const shape = t.shape.slice(1);
    const n = t.numel / perTrial.length;
    const data = new Float32Array(t.numel);
    perTrial.forEach((tensors, i) => {
      const a = tensors[name];
      if (!a) throw new Error(`the checkpoint of trial ${trials[i]} lacks optimizer state ${name}`);
      if (a.shape.join(',') !== shape.join(',')) throw new Error(`the checkpoint of trial ${trials[i]}: ${name} has shape [${a.shape}], the model needs [${shape}]`);
      data.set(a.data as Float32Array, i * n);
    });
    out[name] = data;
  }
  return out;
}
