// lth reproduce: published experiments with our numbers beside the published ones: the draft's XOR experiment
// (appendix A, Figures 9 and 10; src/reproduce/xor.ts, values from data/xor-draft.json); the IMP ones (LeNet, Conv-2/4/6, ResNet-20 with
// rewinding) in src/reproduce/.
import { xor, type TrainPathRequest } from '@lth/core';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { ImpExec, ImpIo } from '../reproduce/imp.js';
import { trainPathOption, trainPathRunOptions } from './train-path.js';
import { reproduceLenet } from '../reproduce/lenet.js';
import { reproduceLenetOneShot } from '../reproduce/lenet-oneshot.js';
import { PUBLISHED_STABILIZING } from '../reproduce/published.js';
import { reproduceResnet, type ResnetOptions } from '../reproduce/resnet.js';
import { reproduceXor, type XorBudget } from '../reproduce/xor.js';
import { XOR_DRAFT } from '../reproduce/xor-published.js';

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1`);
    return n;
  };
}

interface XorFlags {
  budget: XorBudget;
  trials?: number;
  iterations?: number;
  lr: number;
  seed: number;
  json?: boolean;
}

function runXor(opts: XorFlags): void {
  const json = opts.json ?? false;
  const r = reproduceXor({
    budget: opts.budget,
    lr: opts.lr,
    seed: opts.seed,
    ...(opts.trials ? { trials: opts.trials } : {}),
    ...(opts.iterations ? { iterations: opts.iterations } : {}),
    onTrial: (stage, done, total) => {
      if (!json && process.stderr.isTTY) process.stderr.write(`\r${stage}: trial ${done}/${total}`);
    },
  });
  clearProgress(json);
  const { text, ...rest } = r;
  process.stdout.write(json ? `${JSON.stringify({ experiment: 'xor', source: XOR_DRAFT.source, ...rest }, null, 2)}\n` : `${text}\n`);
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be an integer >= 0`);
    return n;
  };
}

/** Every experiment's flags: XOR's and the IMP experiments' (ResNet's are the widest set). */
type ReproduceFlags = XorFlags & Omit<ResnetOptions, 'budget' | 'io' | 'trials' | 'exec'> & { trainPath?: TrainPathRequest };

/** Plan lines go to stdout as they come (to stderr with --json, which keeps stdout one JSON document); progress to a terminal. */
function impIo(json: boolean): ImpIo {
  return {
    say: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
    progress: (line) => {
      if (!json && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
    },
  };
}

const clearProgress = (json: boolean) => {
  if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
};

/** --train-path's run options; the note on where auto's crossovers come from goes out with the plan. */
function impExec(opts: ReproduceFlags, io: ImpIo): ImpExec {
  const { note, ...exec } = trainPathRunOptions(opts);
  io.say(note);
  return exec;
}

async function runImpExperiment(experiment: string, opts: ReproduceFlags): Promise<void> {
  const json = opts.json ?? false;
  const io = impIo(json);
  const common = {
    budget: opts.budget,
    out: opts.out,
    io,
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.trials ? { trials: opts.trials } : {}),
    ...(opts.levels ? { levels: opts.levels } : {}),
    ...(opts.steps ? { steps: opts.steps } : {}),
    exec: impExec(opts, io),
  };
  if (experiment === 'resnet20-rewind') {
    const r = await reproduceResnet({
      ...common,
      ...(opts.rewind ? { rewind: opts.rewind } : {}),
      ...(opts.subset !== undefined ? { subset: opts.subset } : {}),
      ...(opts.testSubset !== undefined ? { testSubset: opts.testSubset } : {}),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    });
    clearProgress(json);
    const { text, ...rest } = r;
    process.stdout.write(
      json ? `${JSON.stringify({ experiment, source: PUBLISHED_STABILIZING.source, ...rest }, null, 2)}\n` : `${text}\n`,
    );
    return;
  }
  for (const [flag, v] of [
    ['--rewind', opts.rewind],
    ['--subset', opts.subset],
    ['--test-subset', opts.testSubset],
    ['--batch-size', opts.batchSize],
  ] as const) {
    if (v !== undefined) throw new Error(`${flag} is for resnet20-rewind only`);
  }
  if (experiment === 'lenet-oneshot') {
    const r = await reproduceLenetOneShot(common);
    clearProgress(json);
    const series = (rep: typeof r.report | null) => rep?.series.map((s) => ({ name: s.name, points: s.points })) ?? null;
    process.stdout.write(
      json
        ? `${JSON.stringify({ experiment, dir: r.report.dir, series: series(r.report), imp: r.imp ? { dir: r.imp.dir, series: series(r.imp) } : null }, null, 2)}\n`
        : `${r.text}\n`,
    );
    return;
  }
  const r = await reproduceLenet({
    ...common,
    experiment: experiment.startsWith('conv') ? (experiment as 'conv2' | 'conv4' | 'conv6') : 'lenet',
  });
  clearProgress(json);
  process.stdout.write(
    json
      ? `${JSON.stringify({ experiment, series: r.report.series.map((s) => ({ name: s.name, points: s.points })) }, null, 2)}\n`
      : `${r.text}\n`,
  );
}

export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description("reproduce a published experiment and print our numbers beside the paper's")
    .addArgument(
      new Argument('<experiment>', 'which experiment').choices([
        'xor',
        'lenet',
        'lenet-oneshot',
        'conv2',
        'conv4',
        'conv6',
        'resnet20-rewind',
      ]),
    )
    .addOption(
      new Option(
        '--budget <budget>',
        "xor — quick: 50 trials × 2,000 iterations; full: 1000 × 10,000. lenet, lenet-oneshot, conv — quick: 2 trials × 2 epochs per level (lenet-oneshot: per one-shot run); full: 5 trials × the paper's length. " +
          'resnet20-rewind — quick: 1 trial, 3 levels, 2 epochs of 10,240 training examples, 1000 test examples; full: the cifar_resnet_20 preset, 3 trials (months on a CPU)',
      )
        .choices(['quick', 'full'])
        .default('full'),
    )
    .addOption(
      new Option(
        '--levels <n>',
        'IMP experiments: pruning levels (lenet default 16, to 2.8% of the fc weights; lenet-oneshot: one one-shot run per level 1..n; resnet20-rewind: 20 full, 3 quick)',
      ).argParser(positiveInt('--levels')),
    )
    .addOption(new Option('--steps <length>', 'IMP experiments: training length per level, e.g. 2ep or 50000it (overrides the budget)'))
    .addOption(
      new Option(
        '--rewind <length>',
        "resnet20-rewind: rewind point, e.g. 500it (default: the preset's 500 iterations, scaled to a shortened training)",
      ),
    )
    .addOption(
      new Option('--subset <n>', 'resnet20-rewind: train on the first N training examples (0 = all 50,000)').argParser(
        nonNegativeInt('--subset'),
      ),
    )
    .addOption(
      new Option('--test-subset <n>', 'resnet20-rewind: evaluate on the first N test examples (0 = all 10,000)').argParser(
        nonNegativeInt('--test-subset'),
      ),
    )
    .addOption(
      new Option('--batch-size <n>', "resnet20-rewind: mini-batch size (default the preset's 128; smaller only for smoke tests)").argParser(
        positiveInt('--batch-size'),
      ),
    )
    .addOption(new Option('--data-dir <dir>', 'IMP experiments: directory with the data set files (else $LTH_DATA_DIR, ~/.cache/lth)'))
    .addOption(new Option('--out <dir>', 'IMP experiments: experiment store root').default(process.env.LTH_RUNS ?? 'lth-runs'))
    .addOption(trainPathOption())
    .addOption(new Option('--trials <n>', 'trials (overrides the budget)').argParser(positiveInt('--trials')))
    .addOption(new Option('--iterations <n>', 'xor: training iterations (overrides the budget)').argParser(positiveInt('--iterations')))
    .addOption(
      new Option('--lr <lr>', 'xor: SGD learning rate (the draft states none; our default)').argParser(parseFloat).default(xor.XOR_LR),
    )
    .addOption(new Option('--seed <n>', 'xor: trial t uses seed + t').argParser((v) => Number(v)).default(0))
    .option('--json', 'results as JSON')
    .action(async (experiment: string, opts: ReproduceFlags) => {
      if (experiment !== 'xor') {
        await runImpExperiment(experiment, opts);
        return;
      }
      if (!(opts.lr > 0)) throw new Error('--lr must be > 0'); // not InvalidArgumentError: main() prints only plain errors thrown by actions
      if (!Number.isInteger(opts.seed) || opts.seed < 0) throw new Error('--seed must be an integer >= 0');
      runXor(opts);
    });
}
