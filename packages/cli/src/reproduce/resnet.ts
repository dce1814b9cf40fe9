// lth reproduce resnet20-rewind: "Stabilizing the Lottery Ticket Hypothesis" (arXiv 1903.01611) with ResNet-20
// on CIFAR-10 — IMP that rewinds to an early iteration (preset cifar_resnet_20: iteration 500) beside IMP that
// resets to iteration 0 and the random reinitialisation of the rewound tickets — with the claims of the
// paper's abstract beside ours. Accuracy is test accuracy at the end of each level's training.
import { itersPerEpoch, loadPrepared, resolveHparams, toIterations, type HparamsInput } from '@lth/core';
import type { LevelPoint, Stat } from '../report/collect.js';
import { textTable } from '../table.js';
import {
  estimateImp,
  estimateLine,
  humanDuration,
  pct2,
  runImp,
  seriesPoints,
  type ImpBudget,
  type ImpEstimate,
  type ImpIo,
  type ImpExec,
  type ImpRunPlan,
} from './imp.js';
import { PUBLISHED_STABILIZING } from './published.js';

export const RESNET_PRESET = 'cifar_resnet_20';
/** CIFAR-10's training set: the preset's 160 epochs and 500-iteration rewind are relative to it. */
const CIFAR10_TRAIN = 50_000;

/** full = the preset (all data, 160 epochs, 20 levels); quick shrinks data, length, levels, trials and test set. */
export const RESNET_BUDGETS: Record<
  ImpBudget,
  { trials: number; levels: number; subset: number; steps: string | null; testSubset: number }
> = {
  // Trials: our choice (no trial count of the paper is recorded here).
  full: { trials: 3, levels: 20, subset: 0, steps: null, testSubset: 0 },
  quick: { trials: 1, levels: 3, subset: 10_240, steps: '2ep', testSubset: 1000 },
};

export interface ResnetOptions {
  budget: ImpBudget;
  trials?: number;
  levels?: number;
  steps?: string;
  rewind?: string;
  subset?: number;
  testSubset?: number;
  batchSize?: number;
  out: string;
  dataDir?: string;
  io: ImpIo;
  exec?: ImpExec;
}

export interface ResnetRow {
  level: number;
  percent: number;
  rewind: Stat;
  reset: Stat | null;
  reinit: Stat | null;
  /** The paper's accuracy at this density, per series: none recorded. */
  published: null;
}

export interface ResnetResult {
  settings: {
    budget: ImpBudget;
    trials: number;
    levels: number;
    steps: string;
    iterations: number;
    rewind: number;
    rewindFraction: number;
    trainExamples: number;
    testExamples: number;
    batchSize: number;
  };
  estimate: ImpEstimate;
  seconds: number;
  runs: { rewind: string; reset: string };
  rows: ResnetRow[];
  claims: Array<{ claim: string; published: string; ours: string }>;
  text: string;
}

/** Mean accuracy as %, with the trials' range when there are several. */
const acc = (s: Stat | null) => (s ? `${pct2(s.mean)}${s.n > 1 ? ` (${pct2(s.min)}–${pct2(s.max)})` : ''}` : '-');

/** Pruned levels at least as accurate as the dense network (mean over trials). */
function matching(points: LevelPoint[], dense: number): LevelPoint[] {
  return points.filter((p) => p.level > 0 && p.finalAccuracy.mean >= dense);
}

function matchingText(points: LevelPoint[], dense: number): string {
  const m = matching(points, dense);
  const pruned = points.filter((p) => p.level > 0).length;
  return m.length
    ? `≥ dense at ${m.length} of ${pruned} pruned levels, down to ${Math.min(...m.map((p) => p.percent)).toFixed(1)}% weights`
    : `below dense at all ${pruned} pruned levels`;
}

export async function reproduceResnet(o: ResnetOptions): Promise<ResnetResult> {
  const started = Date.now();
  const b = RESNET_BUDGETS[o.budget];
  const preset = resolveHparams(RESNET_PRESET);
  const P = PUBLISHED_STABILIZING;
  // The preset's rewind point as a fraction of its training: kept when a budget or flag shortens training.
  const presetEnd = toIterations(preset.training.steps, itersPerEpoch(preset, CIFAR10_TRAIN - preset.dataset.validationSize));
  const presetRewind = toIterations(preset.lottery.rewind, 1);
  const base: HparamsInput = {
    dataset: { subset: o.subset ?? b.subset, testSubset: o.testSubset ?? b.testSubset, ...(o.batchSize ? { batchSize: o.batchSize } : {}) },
    lottery: { trials: o.trials ?? b.trials, levels: o.levels ?? b.levels },
    training: { steps: o.steps ?? b.steps ?? preset.training.steps },
  };
  // Checked before the data are read: 0 iterations or 0 epochs alike.
  if (o.rewind !== undefined && toIterations(o.rewind, 1) === 0)
    throw new Error('--rewind must be after iteration 0 (resetting to iteration 0 is the comparison series)');
  const hData = resolveHparams(RESNET_PRESET, base);
  o.io.say(
    `ResNet-20 on CIFAR-10: IMP rewinding to an early iteration vs resetting to iteration 0 (${P.source.paper}, ${P.source.version})`,
  );
  o.io.say(`published: ${P.source.where}`);
  const data = await loadPrepared(hData, o.dataDir);
  const B = hData.dataset.batchSize;
  if (data.train.count < B) throw new Error(`--subset ${data.train.count} is smaller than one batch of ${B}`);
  const perEpoch = itersPerEpoch(hData, data.train.count);
  const end = toIterations(hData.training.steps, perEpoch);
  const shortened =
    hData.training.steps !== preset.training.steps ||
    data.train.count !== CIFAR10_TRAIN - preset.dataset.validationSize ||
    B !== preset.dataset.batchSize;
  // Milestones at the preset's 80/160 and 120/160 of training; the rewind point at the preset's 500/62,400.
  const milestones = shortened ? [`${Math.round(end / 2)}it`, `${Math.round((3 * end) / 4)}it`] : preset.training.milestones;
  const rewindDefault = shortened ? `${Math.max(1, Math.round((presetRewind / presetEnd) * end))}it` : preset.lottery.rewind;
  const rewind = toIterations(o.rewind ?? rewindDefault, perEpoch);
  if (rewind >= end) throw new Error(`--rewind ${rewind} iterations must be before the end of training (${end} iterations)`);
  // Evaluate once per epoch (as open_lth does) rather than every 100 iterations: evaluation does not change training.
  const training = { ...base.training, milestones, evalEvery: perEpoch };
  const hRewind = resolveHparams(RESNET_PRESET, { ...base, training, lottery: { ...base.lottery, rewind: `${rewind}it` } });
  const hReset = resolveHparams(RESNET_PRESET, { ...base, training, lottery: { ...base.lottery, rewind: '0it' } });
  const { trials, levels } = hRewind.lottery;
  const reduced = shortened || trials < RESNET_BUDGETS.full.trials || levels < preset.lottery.levels || data.test.count < 10_000;
  o.io.say(
    `budget ${o.budget}: ${trials} trial(s) × ${end} iterations per level (${hData.training.steps} of ${data.train.count} training examples, batch ${B}), ` +
      `${levels} levels, test set ${data.test.count} examples` +
      (reduced
        ? ` — REDUCED from the preset's ${RESNET_BUDGETS.full.trials} trials × ${preset.training.steps} of ${CIFAR10_TRAIN} examples, ${preset.lottery.levels} levels, 10000 test examples: accuracies are lower and noisier`
        : ''),
  );
  o.io.say(
    `rewind to iteration ${rewind} (${((100 * rewind) / end).toFixed(2)}% of training; the preset: ${presetRewind} of ${presetEnd} = ${((100 * presetRewind) / presetEnd).toFixed(2)}%), ` +
      `lr ×0.1 at ${milestones.join(' and ')}; compared with reset to iteration 0 and random reinitialisation of the rewound tickets`,
  );
  const plans: ImpRunPlan[] = [
    { label: 'rewind', h: hRewind, controls: ['reinit'] },
    { label: 'reset', h: hReset, controls: [] },
  ];
  const estimate = estimateImp(plans, data);
  o.io.say(estimateLine(estimate, B));

  const rewound = await runImp(plans[0]!, data, o.out, o.io, o.exec);
  const reset = await runImp(plans[1]!, data, o.out, o.io, o.exec);
  const ticket = seriesPoints(rewound, 'ticket');
  const resetPts = seriesPoints(reset, 'ticket');
  const reinit = seriesPoints(rewound, 'reinit');
  const rows: ResnetRow[] = ticket.map((p) => ({
    level: p.level,
    percent: p.percent,
    rewind: p.finalAccuracy,
    reset: resetPts.find((x) => x.level === p.level)?.finalAccuracy ?? null,
    reinit: reinit.find((x) => x.level === p.level)?.finalAccuracy ?? null,
    published: null,
  }));
  const dense = ticket[0]!.finalAccuracy.mean;
  const sparsest = ticket[ticket.length - 1]!;
  const gap = (a: Stat | null, c: Stat | null) =>
    a && c ? `${100 * (a.mean - c.mean) >= 0 ? '+' : ''}${(100 * (a.mean - c.mean)).toFixed(2)} pp` : '-';
  const last = rows[rows.length - 1]!;
  const pruned = rows.filter((r) => r.level > 0);
  const rewindWins = pruned.filter((r) => r.reset && r.rewind.mean >= r.reset.mean).length;
  const claims = [
    { claim: 'reset to iteration 0', published: P.claims.resetFails, ours: matchingText(resetPts, dense) },
    {
      claim: `rewind to iteration ${rewind} (${((100 * rewind) / end).toFixed(2)}% through)`,
      published: P.claims.rewindFinds,
      ours: matchingText(ticket, dense),
    },
    {
      claim: 'rewind vs reset',
      published: P.claims.benefitEarly,
      ours: `rewind ≥ reset at ${rewindWins} of ${pruned.length} pruned levels; ${gap(last.rewind, last.reset)} at ${sparsest.percent.toFixed(1)}% weights`,
    },
    {
      claim: 'rewind vs random reinit',
      published: 'not recorded',
      ours: `${gap(last.rewind, last.reinit)} at ${sparsest.percent.toFixed(1)}% weights`,
    },
  ];
  const seconds = (Date.now() - started) / 1000;
  const text = [
    `runs: rewind ${rewound.dir}; reset ${reset.dir}`,
    `accuracy = test accuracy at the end of training, % (mean over ${trials} trial(s)${trials > 1 ? ', min–max' : ''}); dense = level 0; "≥ dense" compares with the dense mean`,
    '',
    textTable(
      ['% weights', `rewind (it ${rewind}) acc %`, 'reset (it 0) acc %', 'reinit acc %', 'published'],
      rows.map((r) => [r.percent.toFixed(1), acc(r.rewind), acc(r.reset), r.level === 0 ? '(dense)' : acc(r.reinit), 'not recorded']),
    ),
    '',
    textTable(
      ['', 'published (abstract)', 'ours'],
      claims.map((c) => [c.claim, c.published, c.ours]),
      3,
    ),
    '',
    `took ${humanDuration(seconds)} (estimated ${humanDuration(estimate.seconds)})`,
  ].join('\n');
  return {
    settings: {
      budget: o.budget,
      trials,
      levels,
      steps: hData.training.steps,
      iterations: end,
      rewind,
      rewindFraction: rewind / end,
      trainExamples: data.train.count,
      testExamples: data.test.count,
      batchSize: B,
    },
    estimate,
    seconds,
    runs: { rewind: rewound.dir, reset: reset.dir },
    rows,
    claims,
    text,
  };
}
