// lth reproduce lenet: the ICLR 2019 LeNet-300-100 experiment (Figure 3) — IMP with reset, random
// reinitialisation and random rearrangement controls, several trials — and our numbers beside the paper's
// (also Conv-2/4/6; the one-shot curve is lenet-oneshot.ts).
import { loadPrepared, resolveHparams, type Hparams, type HparamsInput } from '@lth/core';
import type { RunReport } from '../report/collect.js';
import { textTable } from '../table.js';
import {
  estimateImp,
  estimateLine,
  nearest,
  pct2 as pct,
  runImp,
  seriesPoints,
  type ImpBudget,
  type ImpIo,
  type ImpExec,
  type ImpRunPlan,
} from './imp.js';
import { PUBLISHED_CONV, PUBLISHED_LENET } from './published.js';

export type LenetBudget = ImpBudget;

/** full = the paper: its training length per level (50K iterations for LeNet), 5 trials. quick: 2 epochs per level, 2 trials. */
export const LENET_BUDGETS: Record<LenetBudget, { steps: string | null; trials: number; levels: number }> = {
  full: { steps: null, trials: 5, levels: 16 },
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
  out: string;
  dataDir?: string;
  io: ImpIo;
  exec?: ImpExec;
}

/** The experiment's hyperparameters at the budget (flags override it), announced: title, source, budget, reduction. */
export function announceImp(o: LenetOptions, what = ''): Hparams {
  const experiment = o.experiment ?? 'lenet';
  const b = LENET_BUDGETS[o.budget];
  const paperSteps = resolveHparams(experiment).training.steps;
  const overrides: HparamsInput = {
    training: { steps: o.steps ?? b.steps ?? paperSteps },
    lottery: { trials: o.trials ?? b.trials, levels: o.levels ?? b.levels },
  };
  const h = resolveHparams(experiment, overrides);
  const P = PUBLISHED_LENET;
  const title = experiment === 'lenet' ? 'LeNet-300-100 on MNIST' : `${experiment.replace('conv', 'Conv-')} on CIFAR-10`;
  const { trials, levels } = h.lottery;
  const steps = h.training.steps;
  const reduced = trials < 5 || steps !== paperSteps;
  o.io.say(`${title}${what} (${P.source.version}${experiment === 'lenet' ? `, ${P.source.where}` : ', Figure 5 and its text'})`);
  o.io.say(
    `budget ${o.budget}: ${trials} trial(s) × ${steps} per level, ${levels} levels${reduced ? ` — REDUCED from the paper's 5 trials × ${paperSteps}: numbers are noisier and accuracies lower` : ''}`,
  );
  return h;
}

export async function reproduceLenet(o: LenetOptions): Promise<{ report: RunReport; text: string }> {
  const experiment = o.experiment ?? 'lenet';
  const h = announceImp(o);
  const P = PUBLISHED_LENET;
  const data = await loadPrepared(h, o.dataDir);
  const plan: ImpRunPlan = { label: 'ticket', h, controls: ['reinit', 'rearrange'] };
  o.io.say(estimateLine(estimateImp([plan], data), h.dataset.batchSize));
  const report = await runImp(plan, data, o.out, o.io, o.exec);
  const ticket = report.series[0]!.points;
  const dense = ticket[0]!;
  const reinit = seriesPoints(report, 'reinit');
  const rearr = seriesPoints(report, 'rearrange');
  const rows = ticket.map((p) => {
    const r = reinit.find((x) => x.level === p.level);
    const a = rearr.find((x) => x.level === p.level);
    return [
      p.percent.toFixed(1),
      pct(p.earlyStopAccuracy.mean),
      String(Math.round(p.earlyStopIteration.mean)),
      r ? pct(r.earlyStopAccuracy.mean) : '-',
      a ? pct(a.earlyStopAccuracy.mean) : '-',
    ];
  });
  const d = dense.earlyStopAccuracy.mean;
  const beats = ticket.filter((p) => p.level > 0 && p.earlyStopAccuracy.mean >= d).map((p) => p.percent);
  const p21 = nearest(ticket, 21.1);
  const p13 = nearest(ticket, 13.5);
  const firstBelow = ticket.find((p) => p.level > 0 && p.earlyStopAccuracy.mean < d && p.percent < 21.1);
  const reinitBelow = reinit.find((p) => p.earlyStopAccuracy.mean < d);
  const conv = experiment === 'lenet' ? null : PUBLISHED_CONV[experiment];
  const claims = conv
    ? [
        [
          'early stop faster than dense',
          `${conv.earlyStopFaster}× at ${conv.at}%`,
          (() => {
            const p = nearest(ticket, conv.at);
            return `${(dense.earlyStopIteration.mean / p.earlyStopIteration.mean).toFixed(2)}× at ${p.percent.toFixed(1)}%`;
          })(),
        ],
        [
          'accuracy gain over dense',
          `+${conv.gainPp} pp at ${conv.gainAt}%`,
          (() => {
            const p = nearest(ticket, conv.gainAt);
            return `${(100 * (p.earlyStopAccuracy.mean - d)).toFixed(2)} pp at ${p.percent.toFixed(1)}%`;
          })(),
        ],
      ]
    : [
        [
          'tickets ≥ dense accuracy between',
          `${P.beatsDenseBetween[0]}% and ${P.beatsDenseBetween[1]}%`,
          beats.length ? `${Math.max(...beats).toFixed(1)}% … ${Math.min(...beats).toFixed(1)}% (all levels with acc ≥ dense)` : 'none',
        ],
        [
          'early stop earlier than dense at 21.1%',
          `~${100 * P.earlierStopAt21}%`,
          `${(100 * (1 - p21.earlyStopIteration.mean / dense.earlyStopIteration.mean)).toFixed(0)}% (at ${p21.percent.toFixed(1)}%)`,
        ],
        [
          'accuracy gain at 13.5%',
          `> ${P.gainAt13_5} pp`,
          `${(100 * (p13.earlyStopAccuracy.mean - d)).toFixed(2)} pp (at ${p13.percent.toFixed(1)}%)`,
        ],
        [
          'tickets fall back to dense accuracy at',
          `${P.backToDenseAt}%`,
          firstBelow ? `${firstBelow.percent.toFixed(1)}%` : `not within ${ticket[ticket.length - 1]!.percent.toFixed(1)}%`,
        ],
        [
          'random reinit below dense accuracy at',
          `${P.reinitBelowDenseAt}%`,
          reinitBelow ? `${reinitBelow.percent.toFixed(1)}%` : 'not within the levels run',
        ],
      ];
  const text = [
    `run: ${report.dir}`,
    '',
    textTable(['% weights', 'ticket acc @ early stop %', 'early-stop it', 'reinit acc %', 'rearrange acc %'], rows),
    '',
    textTable(['claim', 'published', 'ours'], claims, 3),
  ].join('\n');
  return { report, text };
}
