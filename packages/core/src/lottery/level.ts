// What every level of an IMP run does the same way, trial by trial or with batched trials: which levels a run
// trains, the masks a level starts from (pruned from the previous level's final weights), and its summary.
import { existsSync } from 'node:fs';
import type { Hparams } from '../hparams/schema.js';
import type { Model } from '../models/types.js';
import { applyPlan, density, oneShotFraction, planLevel } from '../prune/strategy.js';
import { levelDir, levelFile } from '../store/layout.js';
import type { MetricRow } from '../train/metrics.js';
import { earlyStopDraft, earlyStopMinLoss } from './early-stop.js';
import type { LevelSummary } from './types.js';
import { loadMasks, loadWeights, saveMasks } from './weights.js';

/**
 * Put trial t's masks for `level` into the model: the level's stored mask when there is one; else all alive
 * (first level) or the previous level's mask pruned by its final weights — then stored as the level's mask.
 */
export function prepareLevelMasks(
  model: Model,
  h: Hparams,
  dir: string,
  t: number,
  level: number,
  prev: number | null,
  oneShot: boolean,
): void {
  const maskFile = levelFile(levelDir(dir, t, level), 'mask');
  if (existsSync(maskFile)) {
    loadMasks(maskFile, model);
  } else if (prev === null) {
    for (const p of model.params) p.mask?.upload(new Uint8Array(p.mask.numel).fill(1));
    saveMasks(maskFile, model);
  } else {
    const pdir = levelDir(dir, t, prev);
    loadMasks(levelFile(pdir, 'mask'), model);
    loadWeights(levelFile(pdir, 'final'), model);
    applyPlan(planLevel(model.params, h.pruning, oneShot ? oneShotFraction(level) : undefined));
    saveMasks(maskFile, model);
  }
}

/** The levels a run trains: 0..levels (IMP), or 0 and `levels` (one-shot). */
export function runLevels(h: Hparams, oneShot: boolean): number[] {
  return oneShot ? [0, ...(h.lottery.levels > 0 ? [h.lottery.levels] : [])] : Array.from({ length: h.lottery.levels + 1 }, (_, i) => i);
}

export function summarize(
  trial: number,
  level: number,
  model: Model,
  rows: MetricRow[],
  start: number,
  end: number,
  hash: string,
): LevelSummary {
  const last = (name: string) => {
    const r = rows.filter((x) => x.name === name && x.iteration === end);
    return r.length ? r[r.length - 1]!.value : null;
  };
  return {
    trial,
    level,
    density: density(model.params),
    iterations: { start, end },
    earlyStop: earlyStopMinLoss(rows),
    draftEarlyStop: earlyStopDraft(rows),
    final: {
      testAccuracy: last('test_accuracy') ?? NaN,
      testLoss: last('test_loss') ?? NaN,
      valAccuracy: last('val_accuracy'),
      valLoss: last('val_loss'),
    },
    hash,
  };
}
