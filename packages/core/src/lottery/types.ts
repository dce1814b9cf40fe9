// The types every part of a lottery run shares: what a finished level records, the events a run reports and its
// options and result. Their own module, so the runner, the level runner and the store readers import them without
// importing each other.
import type { DeviceRequest } from '@lth/native-sparse';
import type { PreparedData } from '../data/prepare.js';
import type { Density } from '../prune/strategy.js';
import type { MetricRow } from '../train/metrics.js';
import type { TrainProgress } from '../train/loop.js';
import type { EarlyStop } from './early-stop.js';
import type { CrossoverTable } from '../train/sparse-crossover.js';
import type { LayerTrainPath, TrainPath, TrainPathRequest } from '../train/train-paths.js';

export interface LevelSummary {
  trial: number;
  level: number;
  density: Density;
  iterations: { start: number; end: number };
  earlyStop: EarlyStop | null;
  draftEarlyStop: EarlyStop | null;
  final: { testAccuracy: number; testLoss: number; valAccuracy: number | null; valLoss: number | null };
  hash: string;
  /**
   * The kernels each fully connected layer trained on (of the session that finished the level). Absent in
   * stores written before sparse-aware training: those trained masked-dense.
   */
  trainPaths?: Record<string, TrainPath>;
}

export type LotteryEvent =
  | { type: 'run'; dir: string; hash: string; resumed: boolean }
  | {
      type: 'level-start';
      trial: number;
      level: number;
      density: number;
      resumeFrom: number;
      /** The kernels each fully connected layer trains this level on, and why. */
      trainPaths?: LayerTrainPath[];
      /** Why the level's checkpoint was not resumed (the level restarts from its beginning), when it had one. */
      discardedCheckpoint?: string;
    }
  | { type: 'level-skip'; trial: number; level: number; summary: LevelSummary }
  | { type: 'progress'; trial: number; level: number; progress: TrainProgress }
  | { type: 'metrics'; trial: number; level: number; rows: MetricRow[] }
  | { type: 'level-end'; trial: number; level: number; summary: LevelSummary }
  | {
      type: 'stopped';
      trial: number;
      level: number;
      iteration: number;
      /** false: stopped before its first iteration, nothing to checkpoint */ checkpointed?: boolean;
    };

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
  /**
   * Kernels of the fully connected layers (an execution option: not in the hash; results equal to fp32 rounding):
   * 'auto' (default) trains a layer sparse at levels where its density is below the crossover for this platform,
   * 'dense' / 'sparse' force either. Batched trials train masked-dense ('sparse' with batchTrials throws).
   * Convolutional layers always train masked-dense.
   */
  trainPath?: TrainPathRequest;
  /** The crossovers 'auto' uses (default: the built-in table; `loadCrossovers` reads a calibrated file). */
  crossovers?: CrossoverTable;
}

export interface LotteryResult {
  dir: string;
  hash: string;
  complete: boolean;
  summaries: LevelSummary[];
}
