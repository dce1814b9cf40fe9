// A level's mid-training checkpoint (level_k/checkpoint.safetensors + checkpoint.json): the model's weights and
// buffers, the optimizer's state tensors and step, the train accumulators, the metric rows so far and, with dropout,
// the seed of its masks' stream. One format for the trial-by-trial path and the batched one (which writes one per
// trial, sliced from its stacked state), so either path resumes the other's.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { levelFile } from '../store/layout.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { readSafetensors, SafetensorsError, writeSafetensors, type NamedArray } from '../store/safetensors.js';
import type { MetricRow } from '../train/metrics.js';
import type { TrainAccumulators } from '../train/loop.js';

export interface Checkpoint {
  iteration: number;
  /** The optimizer's step count (iterations since the level's start: the optimizer restarts each level). */
  step: number;
  accum: TrainAccumulators;
  rows: MetricRow[];
  /**
   * The dropout stream's seed, in runs with dropout (the masks' position in it is `iteration`). Checkpoints written
   * before dropout followed the trial seed have none: such a checkpoint is not resumed (see `trainLevel`).
   */
  dropoutSeed?: number;
}

export const checkpointTensorsFile = (ldir: string) => levelFile(ldir, 'checkpoint');
const metaFile = (ldir: string) => levelFile(ldir, 'checkpointMeta');

/**
 * The checkpoint's metadata, or null when the level has none (both files are needed). A damaged checkpoint
 * (unparsable, or missing its fields) is removed and reported as none: it only saves time, and retraining the
 * level from its start gives the same result as resuming.
 */
export function readCheckpointMeta(ldir: string): Checkpoint | null {
  if (!existsSync(checkpointTensorsFile(ldir)) || !existsSync(metaFile(ldir))) return null;
  try {
    const meta = JSON.parse(readFileSync(metaFile(ldir), 'utf8')) as Checkpoint;
    if (
      Number.isInteger(meta?.iteration) &&
      Number.isInteger(meta.step) &&
      Array.isArray(meta.rows) &&
      typeof meta.accum === 'object' &&
      meta.accum !== null
    )
      return meta;
  } catch {
    // fall through: damaged
  }
  removeCheckpoint(ldir);
  return null;
}

/** Metadata and tensors (weights, buffers, `<param>.slot<k>` optimizer state), or null when there is none or it is damaged. */
export function readCheckpoint(ldir: string): { meta: Checkpoint; tensors: Record<string, NamedArray> } | null {
  const meta = readCheckpointMeta(ldir);
  if (!meta) return null;
  try {
    return { meta, tensors: readSafetensors(checkpointTensorsFile(ldir)).tensors };
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    removeCheckpoint(ldir);
    return null;
  }
}

/** Tensors first, metadata last: the metadata names the iteration the tensors belong to. */
export function writeCheckpoint(ldir: string, tensors: Record<string, NamedArray>, meta: Checkpoint): void {
  writeSafetensors(checkpointTensorsFile(ldir), tensors);
  writeJsonAtomic(metaFile(ldir), meta);
}

export function removeCheckpoint(ldir: string): void {
  rmSync(checkpointTensorsFile(ldir), { force: true });
  rmSync(metaFile(ldir), { force: true });
}
