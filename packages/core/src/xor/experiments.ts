// The two XOR experiments of the draft's appendix A.
// (a) Figure 9: how often a randomly initialised 2-h-1 network finds the decision boundary, h ∈ {10,8,6,4,2}.
// (b) Figure 10: start from h = 10, train, prune hidden units by a heuristic on the trained weights, reset the
//     survivors to their original initial weights and retrain; one-shot (10 → k directly) or iterative (one
//     unit per round, reset and retrain each round) down to k ∈ {8,6,4,2}. Success = all 4 points correct.
// Trial t uses seed s + t; everything is deterministic in (seed, trials, iterations, lr). Trials are trained
// in batches of XOR_BATCH_TRIALS (batch.ts), each trial as if alone up to fp32 rounding.
import { XorBatch, XOR_BATCH_TRIALS } from './batch.js';
import { xorInit } from './network.js';
import { pruneUnits, unitScores, UNIT_HEURISTICS, type UnitHeuristic } from './prune.js';
import { XOR_ITERATIONS, XOR_LR, type XorTrainResult } from './train.js';

export const XOR_HIDDEN_SIZES: readonly number[] = [10, 8, 6, 4, 2];
export const XOR_PRUNE_TARGETS: readonly number[] = [8, 6, 4, 2];
export const XOR_PRUNE_START = 10;

export type PruneMode = 'oneshot' | 'iterative';

export interface XorOptions {
  trials: number;
  /** Trial t uses seed + t. Default 0. */
  seed?: number;
  iterations?: number;
  lr?: number;
  hiddenSizes?: readonly number[];
  targets?: readonly number[];
  heuristics?: readonly UnitHeuristic[];
  modes?: readonly PruneMode[];
  /** Called after each trial (progress). */
  onTrial?: (done: number, total: number) => void;
}

export interface RandomInitRow {
  hidden: number;
  successes: number;
  trials: number;
  rate: number;
}

export interface PruneRow {
  heuristic: UnitHeuristic;
  mode: PruneMode;
  /** Hidden units left. */
  units: number;
  successes: number;
  trials: number;
  rate: number;
}

export interface XorTrialPrune {
  heuristic: UnitHeuristic;
  mode: PruneMode;
  units: number;
  success: boolean;
  /** Alive units after pruning (indices). */
  kept: number[];
}

/** One pruning trial from a 10-unit network with the given seed: every (heuristic, mode, k) outcome. */
export function pruneTrial(seed: number, opts: PruneTrialOptions = {}): { dense: boolean; results: XorTrialPrune[] } {
  return pruneTrials([seed], opts)[0]!;
}

export interface PruneTrialOptions {
  iterations?: number;
  lr?: number;
  targets?: readonly number[];
  heuristics?: readonly UnitHeuristic[];
  modes?: readonly PruneMode[];
  start?: number;
}

/**
 * Pruning trials for several seeds, trained together as one batch (XorBatch): per seed, the dense outcome
 * and every (heuristic, mode, k) outcome — the same as running each seed alone, up to fp32 rounding.
 */
export function pruneTrials(seeds: readonly number[], opts: PruneTrialOptions = {}): Array<{ dense: boolean; results: XorTrialPrune[] }> {
  const start = opts.start ?? XOR_PRUNE_START;
  const targets = [...(opts.targets ?? XOR_PRUNE_TARGETS)].sort((a, b) => b - a);
  for (const k of targets) if (!Number.isInteger(k) || k < 1 || k > start) throw new RangeError(`xor: target ${k} must be in [1, ${start}]`);
  const heuristics = opts.heuristics ?? UNIT_HEURISTICS;
  const modes = opts.modes ?? ['oneshot', 'iterative'];
  const train = { iterations: opts.iterations ?? XOR_ITERATIONS, lr: opts.lr ?? XOR_LR };
  const batch = new XorBatch(seeds.map((s) => xorInit(start, s)));
  const results: XorTrialPrune[][] = seeds.map(() => []);
  const kept = (alive: boolean[]) => alive.flatMap((a, j) => (a ? [j] : []));
  const record = (heuristic: UnitHeuristic, mode: PruneMode, units: number, alive: boolean[][], r: XorTrainResult[]) =>
    r.forEach((x, t) => results[t]!.push({ heuristic, mode, units, success: x.success, kept: kept(alive[t]!) }));
  try {
    const dense = batch.train(train);
    const trained = batch.weights();
    const all = new Array<boolean>(start).fill(true);
    for (const heuristic of heuristics) {
      if (modes.includes('oneshot')) {
        const scores = trained.map((w) => unitScores(heuristic, w.w1, w.w2));
        for (const k of targets) {
          const alive = scores.map((sc) => pruneUnits(all, sc, start - k));
          batch.setAliveAll(alive);
          record(heuristic, 'oneshot', k, alive, batch.train(train));
        }
      }
      if (modes.includes('iterative') && targets.length > 0) {
        let alive = seeds.map(() => all);
        let w = trained;
        const last = targets[targets.length - 1]!;
        for (let units = start - 1; units >= last; units--) {
          alive = alive.map((a, t) => pruneUnits(a, unitScores(heuristic, w[t]!.w1, w[t]!.w2), 1));
          batch.setAliveAll(alive);
          const r = batch.train(train);
          w = batch.weights();
          if (targets.includes(units)) record(heuristic, 'iterative', units, alive, r);
        }
      }
    }
    return dense.map((d, t) => ({ dense: d.success, results: results[t]! }));
  } finally {
    batch.dispose();
  }
}

/** Split trial indices [0, n) into batches of at most XOR_BATCH_TRIALS. */
function chunks(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let b = 0; b < n; b += XOR_BATCH_TRIALS) out.push([b, Math.min(n, b + XOR_BATCH_TRIALS)]);
  return out;
}

/** Figure 9: success of randomly initialised networks of each hidden size. */
export function randomInitSuccess(opts: XorOptions): RandomInitRow[] {
  const sizes = opts.hiddenSizes ?? XOR_HIDDEN_SIZES;
  const seed = opts.seed ?? 0;
  const rows = sizes.map((hidden) => ({ hidden, successes: 0, trials: opts.trials, rate: 0 }));
  for (const [b, e] of chunks(opts.trials)) {
    const seeds = Array.from({ length: e - b }, (_, i) => seed + b + i);
    for (const row of rows) {
      const batch = new XorBatch(seeds.map((s) => xorInit(row.hidden, s)));
      try {
        row.successes += batch.train({ iterations: opts.iterations, lr: opts.lr }).filter((r) => r.success).length;
      } finally {
        batch.dispose();
      }
    }
    opts.onTrial?.(e, opts.trials);
  }
  for (const row of rows) row.rate = opts.trials > 0 ? row.successes / opts.trials : 0;
  return rows;
}

/** Figure 10: success after pruning hidden units from 10, per heuristic, mode and units left. */
export function unitPruningSuccess(opts: XorOptions): PruneRow[] {
  const seed = opts.seed ?? 0;
  const rows = new Map<string, PruneRow>();
  for (const [b, e] of chunks(opts.trials)) {
    const seeds = Array.from({ length: e - b }, (_, i) => seed + b + i);
    for (const { results } of pruneTrials(seeds, opts)) {
      for (const r of results) {
        const key = `${r.heuristic}/${r.mode}/${r.units}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { heuristic: r.heuristic, mode: r.mode, units: r.units, successes: 0, trials: opts.trials, rate: 0 }));
        if (r.success) row.successes++;
      }
    }
    opts.onTrial?.(e, opts.trials);
  }
  const out = [...rows.values()];
  for (const row of out) row.rate = opts.trials > 0 ? row.successes / opts.trials : 0;
  return out;
}
