// One level of an IMP run (or of a control branch) for a group of trials that stand at the same point — all at the
// level's start, or all resuming checkpoints taken at one iteration: one trial trained as itself, or several trained
// together as one batched model (models/batched-mlp.ts). Every per-trial file goes through the solo model of the
// architecture, so the store is the same either way and either way resumes the other's checkpoints:
//   start     masks, then the checkpoint's weights or the level's starting weights (stored as the level's init);
//   train     the one training loop (train/loop.ts), checkpointing each trial in the trial-by-trial format;
//   store     storeLevel: final weights, metrics, summary (written last: the level is done), checkpoint removed.
import { existsSync } from 'node:fs';
import type { PreparedData } from '../data/prepare.js';
import type { Hparams } from '../hparams/schema.js';
import { createBatchedModel } from '../models/batched-mlp.js';
import type { F32, Model, Param } from '../models/types.js';
import { density } from '../prune/strategy.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { levelFile, writeMetricsCsv } from '../store/layout.js';
import type { NamedArray } from '../store/safetensors.js';
import { batchedTrainee } from '../train/batched-trainer.js';
import { trainLoop, type TrainAccumulators, type Trainee } from '../train/loop.js';
import type { MetricRow } from '../train/metrics.js';
import { Optimizer } from '../train/optimizer.js';
import type { ResidentData } from '../train/resident.js';
import { soloTrainee } from '../train/trainer.js';
import {
  batchedTrainPaths,
  configureTrainPaths,
  releaseTrainPaths,
  type LayerTrainPath,
  type TrainPathOptions,
} from '../train/train-paths.js';
import { checkpointTensorsFile, readCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import { summarize } from './level.js';
import type { LevelSummary, LotteryEvent } from './types.js';
import { loadWeights, saveWeights } from './weights.js';

/** A trial of the group: where its level lives and how the level starts. */
export interface LevelTrial {
  trial: number;
  /** The level's directory (in the run, or in a branch). */
  ldir: string;
  dataSeed: number;
  /** Seed of the dropout masks' stream: the trial's seed (each level draws the same masks at iteration i). */
  dropoutSeed: number;
  /** Put the trial's masks for this level into the solo model. */
  masks: () => void;
  /** Put the level's starting weights into the solo model (masks in place); not called when resuming. */
  fresh: () => void;
}

export interface LevelGroup {
  h: Hparams;
  data: PreparedData;
  hash: string;
  level: number;
  /** The iteration the level's training starts from (0, or the rewind point). */
  levelStart: number;
  /** Iterations per level. */
  end: number;
  /** Checkpoint interval in iterations. */
  ckEvery: number;
  /** The architecture's solo model: trained itself (one trial, not batched), else the vehicle of every trial's files. */
  solo: Model;
  /** Train the trials as one batched model (fully connected models only); unbatched, the group is one trial. */
  batched: boolean;
  trials: LevelTrial[];
  /** Store each trial's weights at iteration `at` in file(trial) when not there yet (level 0 of a rewinding run). */
  rewind?: { at: number; file: (trial: number) => string } | undefined;
  onEvent?: ((e: LotteryEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** The run's data set kept on the device, or null (batches uploaded from the host). */
  resident?: ResidentData | null | undefined;
  /** Masked-dense or sparse kernels per fully connected layer (default: auto with the built-in crossovers). */
  trainPaths?: TrainPathOptions | undefined;
}

/** What the loop trains for a group, and how its state maps to each trial's. */
interface TrialStack {
  trainee: Trainee;
  params: Param[];
  /** The state a checkpoint holds besides the optimizer's: parameters, then buffers (batch norm). */
  state(): Array<{ name: string; value: F32 }>;
  /** The shape one trial's slice of a stacked tensor has. */
  trialShape(shape: number[]): number[];
  /** Trial i's parameters and masks from the solo model, and back. */
  loadTrial(i: number, solo: Model): void;
  storeTrial(i: number, solo: Model): void;
  dispose(): void;
}

/** The solo model as a stack of one: trained in place (its owner disposes it). */
function soloStack(model: Model): TrialStack {
  return {
    trainee: soloTrainee(model),
    params: model.params,
    state: () => [...model.params, ...model.buffers()].map((p) => ({ name: p.name, value: p.value })),
    trialShape: (shape) => shape,
    loadTrial: () => {},
    storeTrial: () => {},
    dispose: () => {},
  };
}

/** T trials stacked along a leading axis (batched models have no buffers). */
function batchedStack(g: LevelGroup): TrialStack {
  const model = createBatchedModel(g.h, g.data.exampleShape, g.data.classes, g.trials.length, g.solo.params[0]!.value.device);
  return {
    trainee: batchedTrainee(model),
    params: model.params,
    state: () => model.params.map((p) => ({ name: p.name, value: p.value })),
    trialShape: (shape) => shape.slice(1),
    loadTrial: (i, solo) => model.copyTrialFrom(i, solo),
    storeTrial: (i, solo) => model.copyTrialTo(i, solo),
    dispose: () => model.dispose(),
  };
}

/** Train the group's level and store each trial's; null when stopped by the signal (each trial keeps a checkpoint). */
export function trainLevelGroup(g: LevelGroup): LevelSummary[] | null {
  const { h, hash, level, solo, trials } = g;
  if (!g.batched && trials.length !== 1) throw new Error(`an unbatched level trains one trial, got ${trials.length}`);
  const emit = g.onEvent;
  const withDropout = h.model.dropout > 0;
  const discarded: Array<string | undefined> = [];
  const cks = trials.map((tr, i) => {
    const ck = readCheckpoint(tr.ldir);
    if (!ck || !withDropout || ck.meta.dropoutSeed === tr.dropoutSeed) return ck;
    // Written before dropout masks followed the trial seed (or by another stream): resuming it would switch streams
    // mid-level. Retraining the level from its start gives what an uninterrupted run of this version gives.
    discarded[i] =
      ck.meta.dropoutSeed === undefined
        ? 'it was written before dropout masks followed the trial seed'
        : `its dropout stream (seed ${ck.meta.dropoutSeed}) is not this level's (seed ${tr.dropoutSeed})`;
    removeCheckpoint(tr.ldir);
    return null;
  });
  const first = cks[0] ?? null;
  const start = first ? first.meta.iteration : g.levelStart;
  const stack = g.batched ? batchedStack(g) : soloStack(solo);
  let optimizer: Optimizer | null = null;
  const pathOpts = g.trainPaths ?? { request: 'auto' };
  const paths: LayerTrainPath[][] = [];
  try {
    optimizer = new Optimizer(stack.params, h.training);
    trials.forEach((tr, i) => {
      tr.masks();
      if (cks[i]) {
        loadWeights(checkpointTensorsFile(tr.ldir), solo);
      } else {
        tr.fresh();
        saveWeights(levelFile(tr.ldir, 'init'), solo, { hash, level: String(level) });
      }
      stack.loadTrial(i, solo);
      // Masks are fixed from here to the level's end: the sparse structures are built once, here.
      paths[i] = g.batched ? batchedTrainPaths(solo, pathOpts.request) : configureTrainPaths(solo, pathOpts);
      const why = discarded[i];
      emit?.({
        type: 'level-start',
        trial: tr.trial,
        level,
        density: density(solo.params).density,
        resumeFrom: start,
        trainPaths: paths[i]!,
        ...(why ? { discardedCheckpoint: why } : {}),
      });
    });
    if (first)
      optimizer.load(
        first.meta.step,
        stackSlots(
          optimizer,
          stack,
          cks.map((c) => c!.tensors),
          trials,
        ),
      );
    const rows: MetricRow[][] = cks.map((c) => (c ? [...c.meta.rows] : []));
    const opt = optimizer;
    // Each trial's checkpoint: its slice of the stacked state and optimizer state, named and shaped as the solo
    // model's, with its accumulators and rows.
    const checkpoint = (iteration: number, accums: TrainAccumulators[]) => {
      const o = opt.state();
      const stacked = [...stack.state(), ...Object.entries(o.tensors).map(([name, value]) => ({ name, value }))].map(({ name, value }) => ({
        name,
        shape: stack.trialShape(value.shape),
        data: value.download(),
      }));
      trials.forEach((tr, i) => {
        const tensors: Record<string, NamedArray> = {};
        for (const s of stacked) {
          const n = s.data.length / trials.length;
          tensors[s.name] = { shape: s.shape, data: s.data.slice(i * n, (i + 1) * n) };
        }
        writeCheckpoint(tr.ldir, tensors, {
          iteration,
          step: o.step,
          accum: accums[i]!,
          rows: rows[i]!,
          ...(withDropout ? { dropoutSeed: tr.dropoutSeed } : {}),
        });
      });
    };
    const rewind = level === 0 ? g.rewind : undefined;
    const { stoppedAt } = trainLoop(stack.trainee, optimizer, g.data, h, {
      startIteration: start,
      endIteration: g.end,
      dataSeeds: trials.map((tr) => tr.dataSeed),
      dropoutSeeds: trials.map((tr) => tr.dropoutSeed),
      accums: first ? cks.map((c) => c!.meta.accum) : undefined,
      checkpointEvery: g.ckEvery,
      onCheckpoint: checkpoint,
      onMetrics: (i, rs) => {
        rows[i]!.push(...rs);
        emit?.({ type: 'metrics', trial: trials[i]!.trial, level, rows: rs });
      },
      onIteration:
        rewind && rewind.at > 0
          ? (it) => {
              if (it !== rewind.at) return;
              trials.forEach((tr, i) => {
                const file = rewind.file(tr.trial);
                if (existsSync(file)) return;
                stack.storeTrial(i, solo);
                saveWeights(file, solo, { hash, iteration: String(it) });
              });
            }
          : undefined,
      onProgress: (progress) => emit?.({ type: 'progress', trial: trials[0]!.trial, level, progress }),
      signal: g.signal,
      ...(g.resident ? { resident: g.resident } : { residentData: false }),
    });
    if (stoppedAt < g.end) {
      // A checkpoint exists when the level got past its start (written now, or the one it resumed from).
      for (const tr of trials)
        emit?.({ type: 'stopped', trial: tr.trial, level, iteration: stoppedAt, checkpointed: stoppedAt > g.levelStart });
      return null;
    }
    return trials.map((tr, i) => {
      stack.storeTrial(i, solo);
      return storeLevel(g, tr, rows[i]!, paths[i]!);
    });
  } finally {
    if (!g.batched) releaseTrainPaths(solo);
    optimizer?.dispose();
    stack.dispose();
  }
}

/** A finished level of one trial (its weights in the solo model): every file, the summary last. */
function storeLevel(g: LevelGroup, tr: LevelTrial, rows: MetricRow[], paths: LayerTrainPath[]): LevelSummary {
  const { ldir, trial } = tr;
  saveWeights(levelFile(ldir, 'final'), g.solo, { hash: g.hash, level: String(g.level) });
  writeMetricsCsv(levelFile(ldir, 'metrics'), rows);
  const summary = {
    ...summarize(trial, g.level, g.solo, rows, g.levelStart, g.end, g.hash),
    trainPaths: Object.fromEntries(paths.map((p) => [p.layer, p.path])),
  };
  writeJsonAtomic(levelFile(ldir, 'hparams'), g.h);
  writeJsonAtomic(levelFile(ldir, 'summary'), summary);
  removeCheckpoint(ldir);
  g.onEvent?.({ type: 'level-end', trial, level: g.level, summary });
  return summary;
}

/** The stacked optimizer state from the trials' checkpoints (`<param>.slot<k>`, trial-major). */
function stackSlots(
  optimizer: Optimizer,
  stack: TrialStack,
  perTrial: Array<Record<string, NamedArray>>,
  trials: LevelTrial[],
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(optimizer.state().tensors)) {
    const shape = stack.trialShape(t.shape);
    const n = t.numel / perTrial.length;
    const data = new Float32Array(t.numel);
    perTrial.forEach((tensors, i) => {
      const a = tensors[name];
      if (!a) throw new Error(`the checkpoint of trial ${trials[i]!.trial} lacks optimizer state ${name}`);
      if (a.shape.join(',') !== shape.join(','))
        throw new Error(`the checkpoint of trial ${trials[i]!.trial}: ${name} has shape [${a.shape}], the model needs [${shape}]`);
      data.set(a.data as Float32Array, i * n);
    });
    out[name] = data;
  }
  return out;
}
