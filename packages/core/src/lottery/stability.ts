// Stability measures from "Stabilizing the Lottery Ticket Hypothesis" (Frankle, Dziugaite, Roy, Carbin 2019,
// arXiv 1903.01611 §3), both measured on the subnetwork, i.e. over the weights the ticket's mask covers:
//  - stability to pruning: ‖m ⊙ W_dense − W_ticket‖ between the dense network trained in full (level 0 of the same
//    trial) with the ticket's mask m applied and the ticket trained in isolation;
//  - stability to data order: ‖W_ticket − W'_ticket‖ between two trainings of the ticket under different data
//    orders (the data-order branch).
// The paper defines both over the masked weights; the mask covers the prunable weights only (fc, conv and output
// weights), so biases and batch-norm parameters are not part of either distance. Each is reported raw and relative
// to the norm of the reference (m ⊙ W_dense, resp. the run's own ticket).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { readSafetensors, type NamedArray } from '../store/safetensors.js';
import {
  branchDir,
  isLevelDone,
  levelDir,
  levelFile,
  levelsIn,
  runHparamsFile,
  trialDir,
  trialsIn,
  type LevelFile,
} from '../store/layout.js';
import { StoreError } from '../store/errors.js';
import { RECOMPUTE_LEVEL_HINT } from '../store/read-json.js';
import { readLevelSummary } from './summary-file.js';
import { branchName } from './branch.js';

export interface Distance {
  l2: number;
  /** l2 / ‖reference‖ (both over the subnetwork). */
  relative: number;
}

export class StabilityError extends Error {
  readonly code = 'ERR_STABILITY';
}

/**
 * L2 distance between `a` and the reference `b` over the tensors of `mask` (the prunable weights), each masked:
 * ‖m ⊙ a − m ⊙ b‖, relative to ‖m ⊙ b‖.
 */
export function l2Distance(a: Record<string, NamedArray>, b: Record<string, NamedArray>, mask: Record<string, NamedArray>): Distance {
  let d2 = 0;
  let n2 = 0;
  for (const [k, mt] of Object.entries(mask)) {
    const x = a[k]?.data;
    const y = b[k]?.data;
    const m = mt.data;
    if (!x || !y || x.length !== y.length || m.length !== y.length) {
      throw new StabilityError(`cannot compare '${k}': missing or of different size in one of the weight sets or the mask`);
    }
    for (let i = 0; i < y.length; i++) {
      if (!m[i]) continue;
      d2 += (x[i]! - y[i]!) ** 2;
      n2 += y[i]! ** 2;
    }
  }
  return { l2: Math.sqrt(d2), relative: n2 > 0 ? Math.sqrt(d2 / n2) : 0 };
}

// Only finished levels are compared: a mask or final file missing there is a damaged store, not an unfinished level.
function tensorsIn(dir: string, file: LevelFile): Record<string, NamedArray> {
  const path = levelFile(dir, file);
  if (!existsSync(path)) throw new StoreError(`missing from a finished level; ${RECOMPUTE_LEVEL_HINT}`, path);
  return readSafetensors(path).tensors;
}

const maskOf = (run: string, trial: number, level: number) => tensorsIn(levelDir(run, trial, level), 'mask');

/** Stability to pruning: ‖W_ticket(level) − m ⊙ W_dense‖, the dense network being level 0 of the same trial. */
export function distanceToDense(run: string, trial: number, level: number): Distance {
  return namingFiles(levelDir(run, trial, level), () =>
    l2Distance(tensorsIn(levelDir(run, trial, level), 'final'), tensorsIn(levelDir(run, trial, 0), 'final'), maskOf(run, trial, level)),
  );
}

/** Stability to data order: ‖W'_ticket − W_ticket‖ between the data-order branch (seed offset `seed`) and the run. */
export function dataOrderDistance(run: string, trial: number, level: number, seed = 0): Distance {
  const other = levelDir(branchDir(run, branchName('data-order', seed)), trial, level);
  return namingFiles(levelDir(run, trial, level), () =>
    l2Distance(tensorsIn(other, 'final'), tensorsIn(levelDir(run, trial, level), 'final'), maskOf(run, trial, level)),
  );
}

/**
 * Readable files whose tensors do not match (a mask naming a tensor the weights lack, sizes that differ): one of
 * the level's mask/final files is damaged. A store error naming the mask and the final it was compared with.
 */
function namingFiles(dir: string, f: () => Distance): Distance {
  try {
    return f();
  } catch (e) {
    if (e instanceof StabilityError)
      throw new StoreError(
        `does not match ${basename(levelFile(dir, 'final'))}: ${e.message}; ${RECOMPUTE_LEVEL_HINT}`,
        levelFile(dir, 'mask'),
      );
    throw e;
  }
}

export interface StabilityRow {
  trial: number;
  level: number;
  /** Fraction of prunable weights remaining. */
  density: number;
  toDense: Distance;
  /** null where the data-order branch has not trained this level. */
  dataOrder: Distance | null;
}

/**
 * Both distances for every finished pruned level (≥ 1) of every trial of a run whose dense level 0 is finished;
 * the data-order distance where the branch with seed offset `seed` finished the level.
 */
export function stabilityOf(run: string, seed = 0): StabilityRow[] {
  if (!existsSync(runHparamsFile(run))) throw new StabilityError(`${run} is not a run directory (no hparams.json)`);
  const rows: StabilityRow[] = [];
  const trials = trialsIn(run);
  const branch = branchDir(run, branchName('data-order', seed));
  for (const trial of trials) {
    if (!isLevelDone(levelDir(run, trial, 0))) continue;
    const levels = levelsIn(trialDir(run, trial)).filter((l) => l > 0 && isLevelDone(levelDir(run, trial, l)));
    for (const level of levels) {
      const summary = readLevelSummary(levelDir(run, trial, level));
      const branched = isLevelDone(levelDir(branch, trial, level));
      rows.push({
        trial,
        level,
        density: summary.density.density,
        toDense: distanceToDense(run, trial, level),
        dataOrder: branched ? dataOrderDistance(run, trial, level, seed) : null,
      });
    }
  }
  return rows;
}
