// What the IMP reproductions (lenet, conv2/4/6, resnet20-rewind) share: running an IMP run with its control
// branches and collecting it, the time estimate from a step measured on this machine, and table helpers.
import {
  createModel,
  evaluate,
  initialize,
  itersPerEpoch,
  Optimizer,
  runBranch,
  runLottery,
  toIterations,
  train,
  type BranchKind,
  type Hparams,
  type PreparedData,
  type CrossoverTable,
  type TrainPathRequest,
} from '@lth/core';
import { collectRun, type LevelPoint, type RunReport } from '../report/collect.js';

export type ImpBudget = 'quick' | 'full';

/** Where a reproduction writes: `say` lines go to stdout at once (the plan), `progress` to a terminal only. */
export interface ImpIo {
  say: (line: string) => void;
  progress: (line: string) => void;
}

/** How a reproduction's levels train (execution options: not part of any run's hash). */
export interface ImpExec {
  trainPath?: TrainPathRequest;
  crossovers?: CrossoverTable;
}

/** One IMP run of a reproduction and the controls to branch from it. */
export interface ImpRunPlan {
  /** What progress lines call the run ('ticket', 'reset', …). */
  label: string;
  h: Hparams;
  /**
   * The one-shot curve instead of IMP: for each level k = 1..levels, its own one-shot run (train dense, prune once
   * to level k's density, reset, retrain). No controls.
   */
  oneShot?: boolean;
  controls: BranchKind[];
}

/**
 * The `lottery.levels` of each run a plan makes: IMP, one run to `levels`; the one-shot curve, one run per target
 * level 1..levels (just the dense level when levels is 0). Levels and trials are not part of the hash, so the one-shot
 * runs are the levels level_k of one store entry, oneshot_<hash>, and share its dense level_0 — training it again
 * per density would give the same bytes (same seed, initialisation and data order).
 */
export function runTargets(plan: ImpRunPlan): number[] {
  const L = plan.h.lottery.levels;
  return plan.oneShot && L > 0 ? Array.from({ length: L }, (_, i) => i + 1) : [L];
}

/** Run (or resume: finished levels are skipped) one IMP run and its controls, and collect them. */
export async function runImp(plan: ImpRunPlan, data: PreparedData, out: string, io: ImpIo, exec: ImpExec = {}): Promise<RunReport> {
  if (plan.oneShot && plan.controls.length) throw new Error('the one-shot curve has no control branches');
  const density = (d: number) => `${(100 * d).toFixed(1)}%`;
  let dir = '';
  for (const levels of runTargets(plan)) {
    const h = { ...plan.h, lottery: { ...plan.h.lottery, levels } };
    const run = await runLottery(h, {
      ...exec,
      root: out,
      data,
      oneShot: plan.oneShot ?? false,
      onEvent: (e) => {
        if (e.type === 'level-end') io.progress(`${plan.label} trial ${e.trial} level ${e.level}: ${density(e.summary.density.density)}`);
      },
    });
    dir = run.dir;
  }
  for (const kind of plan.controls) {
    await runBranch(dir, kind, {
      ...exec,
      data,
      onEvent: (e) => {
        if (e.type === 'level-end') io.progress(`${plan.label} ${kind} trial ${e.trial} level ${e.level}`);
      },
    });
  }
  return collectRun(dir);
}

/** A series' points by name ('ticket', 'reinit', …); empty when the run has no such series. */
export function seriesPoints(report: RunReport, name: string): LevelPoint[] {
  return report.series.find((s) => s.name === name)?.points ?? [];
}

/** The point whose % of weights is nearest `percent` (on a log scale, as densities shrink geometrically). */
export function nearest(pts: LevelPoint[], percent: number): LevelPoint {
  return pts.reduce(
    (best, p) => (Math.abs(Math.log(p.percent / percent)) < Math.abs(Math.log(best.percent / percent)) ? p : best),
    pts[0]!,
  );
}

/** A fraction as a percentage with two decimals, '-' when missing. */
export const pct2 = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) : '-');

/** The training spans (start, end iteration) of every level training a plan makes: the run's and each control's. */
export function trainingSpans(plan: ImpRunPlan, trainCount: number): Array<{ start: number; end: number }> {
  const perEpoch = itersPerEpoch(plan.h, trainCount);
  const end = toIterations(plan.h.training.steps, perEpoch);
  const rewind = toIterations(plan.h.lottery.rewind, perEpoch);
  const pruned = plan.h.lottery.levels; // IMP: one training per level; the one-shot curve: one run per level
  const perTrial = [{ start: 0, end }, ...Array.from({ length: pruned * (1 + plan.controls.length) }, () => ({ start: rewind, end }))];
  return Array.from({ length: plan.h.lottery.trials }, () => perTrial).flat();
}

export interface ImpEstimate {
  /** Seconds per training iteration, measured here on the dense network. */
  stepSeconds: number;
  /** Seconds per evaluated example (validation and test sets), measured here. */
  evalSecondsPerExample: number;
  trainings: number;
  iterations: number;
  seconds: number;
}

/** Evaluations trainer.train makes over [start, end]: at 0, at each multiple of evalEvery, and at the end. */
function evaluations(start: number, end: number, every: number): number {
  return (start === 0 ? 1 : 0) + Math.floor(end / every) - Math.floor(start / every) + (end % every === 0 ? 0 : 1);
}

/**
 * Time `steps` training iterations (after one warm-up; more when they are fast) and one evaluation batch of the plans' network on this
 * machine, and extrapolate to every level training of the plans. Every level is costed like the dense one.
 */
export function estimateImp(plans: ImpRunPlan[], data: PreparedData, steps = 3): ImpEstimate {
  const h = plans[0]!.h;
  const none = { x: new Float32Array(0), y: new Int32Array(0), count: 0 };
  const trainOnly: PreparedData = { ...data, validation: none, test: none };
  const model = createModel(h.model, data.exampleShape, data.classes, 'cpu');
  const optimizer = new Optimizer(model.params, h.training);
  try {
    initialize(model, h.model, h.lottery.seed);
    // From iteration 1: no evaluation at iteration 0 (the sets are empty here anyway).
    const run = (from: number, n: number) =>
      train(model, optimizer, trainOnly, h, { startIteration: from, endIteration: from + n, dataSeed: 1 });
    run(1, 1); // warm-up: first-touch allocations
    let t = performance.now();
    run(2, steps);
    let timed = steps;
    let elapsed = (performance.now() - t) / 1000;
    if (elapsed < 0.3) {
      // A fast step (small networks): time more of them, about 0.3 s in all, so timer noise does not dominate.
      const more = Math.min(500, Math.ceil((0.3 - elapsed) / Math.max(elapsed / steps, 1e-6)));
      const t2 = performance.now();
      run(2 + steps, more);
      elapsed += (performance.now() - t2) / 1000;
      timed += more;
    }
    const stepSeconds = elapsed / timed;
    const evalSplit = data.test.count > 0 ? data.test : data.validation;
    const n = Math.min(evalSplit.count, 1000); // one evaluation batch
    t = performance.now();
    if (n > 0)
      evaluate(
        model,
        { x: evalSplit.x.subarray(0, n * (evalSplit.x.length / evalSplit.count)), y: evalSplit.y.subarray(0, n), count: n },
        data.exampleShape,
      );
    const evalSecondsPerExample = n > 0 ? (performance.now() - t) / 1000 / n : 0;
    let trainings = 0;
    let iterations = 0;
    let seconds = 0;
    for (const plan of plans) {
      const examples = data.validation.count + data.test.count;
      for (const s of trainingSpans(plan, data.train.count)) {
        trainings++;
        iterations += s.end - s.start;
        seconds +=
          (s.end - s.start) * stepSeconds + evaluations(s.start, s.end, plan.h.training.evalEvery) * examples * evalSecondsPerExample;
      }
    }
    return { stepSeconds, evalSecondsPerExample, trainings, iterations, seconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** A duration for people: seconds, minutes, hours or days. */
export function humanDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

/** The estimate as one line of a reproduction's plan. */
export function estimateLine(e: ImpEstimate, batch: number): string {
  return (
    `estimated time here: ${humanDuration(e.seconds)} — ${e.trainings} level trainings, ${e.iterations.toLocaleString('en-US')} iterations ` +
    `at ${e.stepSeconds < 1 ? `${(1000 * e.stepSeconds).toPrecision(3)} ms` : `${e.stepSeconds.toFixed(2)} s`}/step (measured now, batch ${batch}, dense network) + evaluation at ${(1000 * e.evalSecondsPerExample).toFixed(2)} ms/example`
  );
}
