// lth reproduce lenet: the ICLR 2019 LeNet-300-100 experiment (Figure 3) — IMP with reset, random
// reinitialisation and random rearrangement controls, several trials — and our numbers beside the paper's.
import { resolveHparams, runBranch, runLottery, loadPrepared, type HparamsInput } from '@lth/core';
import { collectRun, type LevelPoint, type RunReport } from '../report/collect.js';
import { textTable } from '../table.js';
import { PUBLISHED_CONV, PUBLISHED_LENET } from './published.js';

export type LenetBudget = 'quick' | 'full';

/** full = the paper: 50K iterations per level, 5 trials. quick: 2 epochs per level, 2 trials. */
export const LENET_BUDGETS: Record<LenetBudget, { steps: string; trials: number; levels: number }> = {
  full: { steps: '50000it', trials: 5, levels: 16 },
  quick: { steps: '2ep', trials: 2, levels: 16 },
};

/** Which published IMP experiment: LeNet (MNIST) or Conv-2/4/6 (CIFAR-10, needs the data files). */
export type ImpExperiment = 'lenet' | 'conv2' | 'conv4' | 'conv6';

export interface LenetOptions {
  experiment?: ImpExperiment;
  budget: LenetBudget;
  trials?: number;
  levels?: number;
  steps?: string;
  oneShot: boolean;
  out: string;
  onProgress?: (line: string) => void;
}

const at = (pts: LevelPoint[], percent: number) =>
  pts.reduce((best, p) => (Math.abs(Math.log(p.percent / percent)) < Math.abs(Math.log(best.percent / percent)) ? p : best), pts[0]!);

export async function reproduceLenet(o: LenetOptions): Promise<{ report: RunReport; text: string }> {
  const experiment = o.experiment ?? 'lenet';
  const b = LENET_BUDGETS[o.budget];
  const paperSteps = resolveHparams(experiment).training.steps;
  const budgetSteps = o.budget === 'full' ? paperSteps : b.steps;
  const overrides: HparamsInput = {
    training: { steps: o.steps ?? budgetSteps },
    lottery: { trials: o.trials ?? b.trials, levels: o.levels ?? b.levels },
  };
  const h = resolveHparams(experiment, overrides);
  const data = await loadPrepared(h);
  const log = o.onProgress ?? (() => {});
  const run = await runLottery(h, {
    root: o.out, data, oneShot: o.oneShot,
    onEvent: (e) => { if (e.type === 'level-end') log(`ticket trial ${e.trial} level ${e.level}: ${(100 * e.summary.density.density).toFixed(1)}%`); },
  });
  if (!o.oneShot) {
    for (const kind of ['reinit', 'rearrange'] as const) {
      await runBranch(run.dir, kind, { data, onEvent: (e) => { if (e.type === 'level-end') log(`${kind} trial ${e.trial} level ${e.level}`); } });
    }
  }
  const report = collectRun(run.dir);
  const ticket = report.series[0]!.points;
  const dense = ticket[0]!;
  const reinit = report.series.find((s) => s.name === 'reinit')?.points ?? [];
  const rearr = report.series.find((s) => s.name === 'rearrange')?.points ?? [];
  const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '-');
  const rows = ticket.map((p) => {
    const r = reinit.find((x) => x.level === p.level);
    const a = rearr.find((x) => x.level === p.level);
    return [p.percent.toFixed(1), pct(p.earlyStopAccuracy.mean), String(Math.round(p.earlyStopIteration.mean)), r ? pct(r.earlyStopAccuracy.mean) : '-', a ? pct(a.earlyStopAccuracy.mean) : '-'];
  });
  const d = dense.earlyStopAccuracy.mean;
  const beats = ticket.filter((p) => p.level > 0 && p.earlyStopAccuracy.mean >= d).map((p) => p.percent);
  const p21 = at(ticket, 21.1);
  const p13 = at(ticket, 13.5);
  const firstBelow = ticket.find((p) => p.level > 0 && p.earlyStopAccuracy.mean < d && p.percent < 21.1);
  const reinitBelow = reinit.find((p) => p.earlyStopAccuracy.mean < d);
  const P = PUBLISHED_LENET;
  const conv = experiment === 'lenet' ? null : PUBLISHED_CONV[experiment];
  const claims = conv ? [
    ['early stop faster than dense', `${conv.earlyStopFaster}× at ${conv.at}%`, (() => { const p = at(ticket, conv.at); return `${(dense.earlyStopIteration.mean / p.earlyStopIteration.mean).toFixed(2)}× at ${p.percent.toFixed(1)}%`; })()],
    ['accuracy gain over dense', `+${conv.gainPp} pp at ${conv.gainAt}%`, (() => { const p = at(ticket, conv.gainAt); return `${(100 * (p.earlyStopAccuracy.mean - d)).toFixed(2)} pp at ${p.percent.toFixed(1)}%`; })()],
  ] : [
    ['tickets ≥ dense accuracy between', `${P.beatsDenseBetween[0]}% and ${P.beatsDenseBetween[1]}%`, beats.length ? `${Math.max(...beats).toFixed(1)}% … ${Math.min(...beats).toFixed(1)}% (all levels with acc ≥ dense)` : 'none'],
    ['early stop earlier than dense at 21.1%', `~${100 * P.earlierStopAt21}%`, `${(100 * (1 - p21.earlyStopIteration.mean / dense.earlyStopIteration.mean)).toFixed(0)}% (at ${p21.percent.toFixed(1)}%)`],
    ['accuracy gain at 13.5%', `> ${P.gainAt13_5} pp`, `${(100 * (p13.earlyStopAccuracy.mean - d)).toFixed(2)} pp (at ${p13.percent.toFixed(1)}%)`],
    ['tickets fall back to dense accuracy at', `${P.backToDenseAt}%`, firstBelow ? `${firstBelow.percent.toFixed(1)}%` : `not within ${ticket[ticket.length - 1]!.percent.toFixed(1)}%`],
    ...(o.oneShot ? [] : [['random reinit below dense accuracy at', `${P.reinitBelowDenseAt}%`, reinitBelow ? `${reinitBelow.percent.toFixed(1)}%` : 'not within the levels run']]),
  ];
  const title = experiment === 'lenet' ? 'LeNet-300-100 on MNIST' : `${experiment.replace('conv', 'Conv-')} on CIFAR-10`;
  const trials = o.trials ?? b.trials;
  const steps = o.steps ?? b.steps;
  const reduced = o.budget === 'quick' || trials < 5 || steps !== paperSteps;
  const text = [
    `${title}${o.oneShot ? ', one-shot pruning' : ''} (${P.source.version}${experiment === 'lenet' ? `, ${P.source.where}` : ', Figure 5 and its text'})`,
    `budget ${o.budget}: ${trials} trial(s) × ${steps} per level, ${o.levels ?? b.levels} levels${reduced ? ` — REDUCED from the paper's 5 trials × ${paperSteps}: numbers are noisier and accuracies lower` : ''}`,
    `run: ${run.dir}`,
    '',
    textTable(['% weights', 'ticket acc @ early stop %', 'early-stop it', 'reinit acc %', 'rearrange acc %'], rows),
    '',
    textTable(['claim', 'published', 'ours'], claims, 3),
  ].join('\n');
  return { report, text };
}
