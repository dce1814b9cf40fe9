// The two XOR experiments of the draft's appendix A.
// (a) Figure 9: how often a randomly initialised 2-h-1 network finds the decision boundary, h ∈ {10,8,6,4,2}.
// (b) Figure 10: start from h = 10, train, prune hidden units by a heuristic on the trained weights, reset the
//     survivors to their original initial weights and retrain; one-shot (10 → k directly) or iterative (one
//     unit per round, reset and retrain each round) down to k ∈ {8,6,4,2}. Success = all 4 points correct.
// Trial t uses seed s + t; everything is deterministic in (seed, trials, iterations, lr).
import { XorNet, xorInit } from './network.js';
import { pruneUnits, unitScores, UNIT_HEURISTICS, type UnitHeuristic } from './prune.js';
import { trainXor, XOR_ITERATIONS, XOR_LR } from './train.js';

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
export function pruneTrial(
  seed: number,
  opts: { iterations?: number; lr?: number; targets?: readonly number[]; heuristics?: readonly UnitHeuristic[]; modes?: readonly PruneMode[]; start?: number } = {},
): { dense: boolean; results: XorTrialPrune[] } {
  const start = opts.start ?? XOR_PRUNE_START;
  const targets = [...(opts.targets ?? XOR_PRUNE_TARGETS)].sort((a, b) => b - a);
  for (const k of targets) if (!Number.isInteger(k) || k < 1 || k > start) throw new RangeError(`xor: target ${k} must be in [1, ${start}]`);
  const heuristics = opts.heuristics ?? UNIT_HEURISTICS;
  const modes = opts.modes ?? ['oneshot', 'iterative'];
  const train = { iterations: opts.iterations ?? XOR_ITERATIONS, lr: opts.lr ?? XOR_LR };
  const net = new XorNet(xorInit(start, seed));
  const results: XorTrialPrune[] = [];
  const kept = (alive: boolean[]) => alive.flatMap((a, j) => (a ? [j] : []));
  try {
    const dense = trainXor(net, train);
    const trained = net.weights();
    const all = new Array<boolean>(start).fill(true);
    for (const heuristic of heuristics) {
      if (modes.includes('oneshot')) {
        const scores = unitScores(heuristic, trained.w1, trained.w2);
        for (const k of targets) {
          const alive = pruneUnits(all, scores, start - k);
          net.setAlive(alive);
          net.reset();
          results.push({ heuristic, mode: 'oneshot', units: k, success: trainXor(net, train).success, kept: kept(alive) });
        }
      }
      if (modes.includes('iterative') && targets.length > 0) {
        let alive = all;
        let w = trained;
        const last = targets[targets.length - 1]!;
        for (let units = start - 1; units >= last; units--) {
          alive = pruneUnits(alive, unitScores(heuristic, w.w1, w.w2), 1);
          net.setAlive(alive);
          net.reset();
          const r = trainXor(net, train);
          w = net.weights();
          if (targets.includes(units)) results.push({ heuristic, mode: 'iterative', units, success: r.success, kept: kept(alive) });
        }
      }
    }
    return { dense: dense.success, results };
  } finally {
    net.dispose();
  }
}

/** Figure 9: success of randomly initialised networks of each hidden size. */
export function randomInitSuccess(opts: XorOptions): RandomInitRow[] {
  const sizes = opts.hiddenSizes ?? XOR_HIDDEN_SIZES;
  const seed = opts.seed ?? 0;
  const rows = sizes.map((hidden) => ({ hidden, successes: 0, trials: opts.trials, rate: 0 }));
  for (let t = 0; t < opts.trials; t++) {
    for (const row of rows) {
      const net = new XorNet(xorInit(row.hidden, seed + t));
      try {
        if (trainXor(net, { iterations: opts.iterations, lr: opts.lr }).success) row.successes++;
      } finally {
        net.dispose();
      }
    }
    opts.onTrial?.(t + 1, opts.trials);
  }
  for (const row of rows) row.rate = opts.trials > 0 ? row.successes / opts.trials : 0;
  return rows;
}

/** Figure 10: success after pruning hidden units from 10, per heuristic, mode and units left. */
export function unitPruningSuccess(opts: XorOptions): PruneRow[] {
  const seed = opts.seed ?? 0;
  const rows = new Map<string, PruneRow>();
  for (let t = 0; t < opts.trials; t++) {
    const { results } = pruneTrial(seed + t, opts);
    for (const r of results) {
      const key = `${r.heuristic}/${r.mode}/${r.units}`;
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { heuristic: r.heuristic, mode: r.mode, units: r.units, successes: 0, trials: opts.trials, rate: 0 }));
      if (r.success) row.successes++;
    }
    opts.onTrial?.(t + 1, opts.trials);
  }
  const out = [...rows.values()];
  for (const row of out) row.rate = opts.trials > 0 ? row.successes / opts.trials : 0;
  return out;
}
