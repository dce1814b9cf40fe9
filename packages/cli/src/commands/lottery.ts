// lth lottery | oneshot | train: IMP, one-shot pruning, or dense training only.
import { modelLabels, resolveHparams, runLottery, type Hparams, type LevelSummary, type TrainPathRequest } from '@lth/core';
import { Command, Option } from 'commander';
import { addHparamOptions, hparamOverrides } from '../flags.js';
import { lotteryReporter, outputMode } from '../progress.js';
import { summaryTable } from '../table.js';
import { trainPathOption, trainPathRunOptions } from './train-path.js';
import { addCommonOptions, applyThreads, interruptSignal, nonNegativeInt, positiveInt, trialOption, type CommonOptions } from './common.js';

export type Mode = 'lottery' | 'oneshot' | 'train';

export type LotteryFlags = CommonOptions & {
  preset?: string;
  checkpointEvery?: number;
  batchTrials?: boolean;
  trial?: number[];
  untilLevel?: number;
  trainPath?: TrainPathRequest;
} & Record<string, unknown>;

/** The hyperparameters a lottery/oneshot/train command line means: preset, then flags. */
export function lotteryHparams(mode: Mode, opts: LotteryFlags): Hparams {
  const overrides = hparamOverrides(opts);
  if (mode === 'train') (overrides as { lottery?: { levels?: number } }).lottery = { ...(overrides.lottery ?? {}), levels: 0 };
  return resolveHparams(opts.preset, overrides);
}

const about: Record<Mode, string> = {
  lottery: 'iterative magnitude pruning: train, prune, reset (or rewind), retrain — for --levels levels and --trials trials',
  oneshot: 'one-shot pruning: train dense, prune straight to the density of --levels iterative levels, retrain',
  train: 'train the dense network only (level 0)',
};

export function lotteryCommand(mode: Mode): Command {
  const cmd = new Command(mode).description(about[mode]);
  cmd.addOption(new Option('--preset <name>', 'a published setup (see `lth presets`); flags override it'));
  cmd.addOption(
    new Option('--checkpoint-every <n>', 'checkpoint interval in iterations (default: ~1000, at evaluation points)').argParser(positiveInt),
  );
  cmd.addOption(
    new Option(
      '--batch-trials',
      'train all --trials of a level together in one batched pass (weights stacked along a trial axis): the same per-trial ' +
        'results and store as trial by trial, far fewer kernel calls (the GPU speed-up). Fully connected models only ' +
        `(${modelLabels(['mlp'])}; convolutional models are not batched yet), no dropout. Checkpoints are per trial in the ` +
        "trial-by-trial format: either mode resumes the other's interrupted runs",
    ),
  );
  cmd.addOption(trainPathOption());
  cmd.addOption(trialOption());
  cmd.addOption(
    new Option('--until-level <k>', 'stop after level k (earlier levels are skipped when done): one cluster job per level').argParser(
      nonNegativeInt,
    ),
  );
  addCommonOptions(cmd);
  addHparamOptions(cmd);
  cmd.action(async (opts: LotteryFlags) => {
    applyThreads(opts);
    const h = lotteryHparams(mode, opts);
    const { signal } = interruptSignal();
    const mode_ = outputMode(opts);
    const { note, ...paths } = trainPathRunOptions(opts);
    if (mode_ === 'bar') process.stderr.write(`${note}\n`);
    const r = await runLottery(h, {
      ...paths,
      root: opts.out,
      device: opts.device,
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      oneShot: mode === 'oneshot',
      ...(opts.checkpointEvery ? { checkpointEvery: opts.checkpointEvery } : {}),
      ...(opts.batchTrials ? { batchTrials: true } : {}),
      ...(opts.trial ? { trials: opts.trial } : {}),
      ...(opts.untilLevel !== undefined ? { untilLevel: opts.untilLevel } : {}),
      onEvent: lotteryReporter(mode_, mode),
      signal,
    });
    if (!r.complete) process.exitCode = 130;
    if (mode_ !== 'json') process.stdout.write(`${summaryTable(r.summaries as LevelSummary[])}\nrun: ${r.dir}\n`);
  });
  return cmd;
}
