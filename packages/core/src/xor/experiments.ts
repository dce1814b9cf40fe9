// The two XOR experiments of the draft's appendix A.
// (a) Figure 9: how often a randomly initialised 2-h-1 network finds the decision boundary, h ∈ {10,8,6,4,2}.
// (b) Figure 10: start from h = 10, train, prune hidden units by a heuristic on the trained weights, reset the
//     survivors to their original initial weights and retrain; one-shot (10 → k directly) or iterative (two
//     units per round, reset and retrain each round: 10 → 8 → 6 → 4 → 2) down to k ∈ {8,6,4,2}.
// Two outcomes per network (outcome.ts): DB (all 4 points on the right side) and ZL (every float32 output a hard
// 0 or 1). As in the draft's Figure 10, a pruned count is JOINT: the trial counts only when both the 10-unit
// network and the pruned ticket succeed, over all trials; the row with units = 10 is the dense network itself.
// Trial t uses seed s + t; everything is deterministic in (seed, trials, iterations, lr). Trials are trained
// in batches of XOR_BATCH_TRIALS (batch.ts), each trial as if alone up to fp32 rounding.
import { XorBatch, XOR_BATCH_TRIALS } from './batch.js';
import { xorInit } from './network.js';
import { pruneUnits, unitScores, UNIT_HEURISTICS, type UnitHeuristic } from './prune.js';
import { XOR_ITERATIONS, XOR_LR, type XorTrainResult } from './train.js';

export const XOR_HIDDEN_SIZES: readonly number[] = [10, 8, 6, 4, 2];
export const XOR_PRUNE_TARGETS: readonly number[] = [8, 6, 4, 2];
export const XOR_PRUNE_START = 10;
/** Units removed per round of iterative pruning (the draft: 10 → 8 → 6 → 4 → 2). */
export const XOR_ITERATIVE_STEP = 2;

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

/** Trials that found the decision boundary (db) and that reached zero loss (zl), and their fractions of `trials`. */
export interface XorCounts {
  trials: number;
  db: number;
  zl: number;
  dbRate: number;
  zlRate: number;
}

export interface RandomInitRow extends XorCounts {
  hidden: number;
}

/** Figure 10 counts, joint with the dense network (units = start: the dense network alone). */
export interface PruneRow extends XorCounts {
  heuristic: UnitHeuristic;
  mode: PruneMode;
  /** Hidden units left. */
  units: number;
}

/** DB and ZL of one trained network. */
export interface XorSuccess {
  /** Found the decision boundary. */
  success: boolean;
  /** Reached zero loss. */
  zeroLoss: boolean;
}

export interface XorTrialPrune extends XorSuccess {
  heuristic: UnitHeuristic;
  mode: PruneMode;
  units: number;
  /** Alive units after pruning (indices). */
  kept: number[];
}

const counts = (trials: number, db: number, zl: number): XorCounts => ({
  trials,
  db,
  zl,
  dbRate: trials > 0 ? db / trials : 0,
  zlRate: trials > 0 ? zl / trials : 0,
});

/** One pruning trial from a 10-unit network with the given seed: every (heuristic, mode, k) outcome. */
export function pruneTrial(seed: number, opts: PruneTrialOptions = {}): PruneTrialResult {
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

/** One pruning trial: the dense 10-unit network's outcome and each ticket's own (not joint) outcome. */
export interface PruneTrialResult {
  dense: XorSuccess;
  results: XorTrialPrune[];
}

/**
 * Pruning trials for several seeds, trained together as one batch (XorBatch): per seed, the dense outcome
 * and every (heuristic, mode, k) outcome — the same as running each seed alone, up to fp32 rounding.
 */
export function pruneTrials(seeds: readonly number[], opts: PruneTrialOptions = {}): PruneTrialResult[] {
  const start = opts.start ?? XOR_PRUNE_START;
  const targets = [...(opts.targets ?? XOR_PRUNE_TARGETS)].sort((a, b) => b - a);
  for (const k of targets)
    if (!Number.isInteger(k) || k < 1 || k > start) throw new RangeError(`xor: target ${k} must be in [1, ${start}]`);
  const heuristics = opts.heuristics ?? UNIT_HEURISTICS;
  const modes = opts.modes ?? ['oneshot', 'iterative'];
  if (modes.includes('iterative')) {
    for (const k of targets) {
      if ((start - k) % XOR_ITERATIVE_STEP !== 0) {
        throw new RangeError(
          `xor: iterative pruning removes ${XOR_ITERATIVE_STEP} units per round from ${start}, so it never has ${k} units`,
        );
      }
    }
  }
  const train = { iterations: opts.iterations ?? XOR_ITERATIONS, lr: opts.lr ?? XOR_LR };
  const batch = new XorBatch(seeds.map((s) => xorInit(start, s)));
  const results: XorTrialPrune[][] = seeds.map(() => []);
  const kept = (alive: boolean[]) => alive.flatMap((a, j) => (a ? [j] : []));
  const record = (heuristic: UnitHeuristic, mode: PruneMode, units: number, alive: boolean[][], r: XorTrainResult[]) =>
    r.forEach((x, t) => results[t]!.push({ heuristic, mode, units, success: x.success, zeroLoss: x.zeroLoss, kept: kept(alive[t]!) }));
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
        for (const units of iterativeRounds(start, last)) {
          alive = alive.map((a, t) => pruneUnits(a, unitScores(heuristic, w[t]!.w1, w[t]!.w2), XOR_ITERATIVE_STEP));
          batch.setAliveAll(alive);
          const r = batch.train(train);
          w = batch.weights();
          if (targets.includes(units)) record(heuristic, 'iterative', units, alive, r);
        }
      }
    }
    return dense.map((d, t) => ({ dense: { success: d.success, zeroLoss: d.zeroLoss }, results: results[t]! }));
  } finally {
    batch.dispose();
  }
}

/** Units left after each round of iterative pruning from `start` down to `last` (10, 2 → [8, 6, 4, 2]). */
export function iterativeRounds(start: number, last: number): number[] {
  const out: number[] = [];
  for (let units = start - XOR_ITERATIVE_STEP; units >= last; units -= XOR_ITERATIVE_STEP) out.push(units);
  return out;
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
  const tally = sizes.map(() => ({ db: 0, zl: 0 }));
  for (const [b, e] of chunks(opts.trials)) {
    const seeds = Array.from({ length: e - b }, (_, i) => seed + b + i);
    sizes.forEach((hidden, i) => {
      const batch = new XorBatch(seeds.map((s) => xorInit(hidden, s)));
      try {
        for (const r of batch.train({ iterations: opts.iterations, lr: opts.lr })) {
          if (r.success) tally[i]!.db++;
          if (r.zeroLoss) tally[i]!.zl++;
        }
      } finally {
        batch.dispose();
      }
    });
    opts.onTrial?.(e, opts.trials);
  }
  return sizes.map((hidden, i) => ({ hidden, ...counts(opts.trials, tally[i]!.db, tally[i]!.zl) }));
}

/**
 * Figure 10: per heuristic, mode and units left, the trials where both the dense network and the pruned ticket
 * succeed (DB, ZL), over all trials; each (heuristic, mode) also has a row with units = start, the dense network.
 */
export function unitPruningSuccess(opts: XorOptions): PruneRow[] {
  const seed = opts.seed ?? 0;
  const start = XOR_PRUNE_START;
  const tally = new Map<string, { heuristic: UnitHeuristic; mode: PruneMode; units: number; db: number; zl: number }>();
  const add = (heuristic: UnitHeuristic, mode: PruneMode, units: number, ok: XorSuccess) => {
    const key = `${heuristic}/${mode}/${units}`;
    let row = tally.get(key);
    if (!row) tally.set(key, (row = { heuristic, mode, units, db: 0, zl: 0 }));
    if (ok.success) row.db++;
    if (ok.zeroLoss) row.zl++;
  };
  for (const [b, e] of chunks(opts.trials)) {
    const seeds = Array.from({ length: e - b }, (_, i) => seed + b + i);
    for (const { dense, results } of pruneTrials(seeds, opts)) {
      const pairs = new Set<string>();
      for (const r of results) {
        const pair = `${r.heuristic}/${r.mode}`;
        if (!pairs.has(pair)) {
          pairs.add(pair);
          add(r.heuristic, r.mode, start, dense);
        }
        add(r.heuristic, r.mode, r.units, { success: dense.success && r.success, zeroLoss: dense.zeroLoss && r.zeroLoss });
      }
    }
    opts.onTrial?.(e, opts.trials);
  }
  return [...tally.values()].map(({ db, zl, ...row }) => ({ ...row, ...counts(opts.trials, db, zl) }));
}
