// lth branch <reinit|rearrange|same-sign|data-order> <run-dir>: a control experiment on a finished run.
import { BRANCH_KINDS, REARRANGE_MODES, runBranch, type BranchKind, type RearrangeMode, type TrainPathRequest } from '@lth/core';
import { Argument, Command, Option } from 'commander';
import { lotteryReporter, outputMode } from '../progress.js';
import { summaryTable } from '../table.js';
import { trainPathOption, trainPathRunOptions } from './train-path.js';
import { addCommonOptions, applyThreads, indexList, interruptSignal, positiveInt, trialOption, type CommonOptions } from './common.js';

export function branchCommand(): Command {
  return addCommonOptions(
    new Command('branch')
      .description(
        "control experiments reusing a run's masks: reinit (fresh init), rearrange (masks shuffled within each layer), same-sign, data-order (stability)",
      )
      .addArgument(new Argument('<kind>', 'control').choices(BRANCH_KINDS))
      .addArgument(new Argument('<run-dir>', 'a run directory written by `lth lottery`'))
      .addOption(
        new Option('--seed <n>', 'seed offset of the control (different offsets give independent controls)').argParser(positiveInt),
      )
      .addOption(new Option('--levels <list>', 'comma-separated levels (default: all finished levels except 0)').argParser(indexList))
      .addOption(trialOption())
      .addOption(trainPathOption())
      .addOption(
        new Option(
          '--mode <mode>',
          "rearrange: 'position' (open_lth: survivors take the init value at their new position) or 'connections' (2018 draft: the ticket's own init values move with the shuffled connections; branch_rearrange-connections)",
        )
          .choices(REARRANGE_MODES)
          .default('position'),
      ),
  ).action(
    async (
      kind: BranchKind,
      runDir: string,
      opts: CommonOptions & { seed?: number; levels?: number[]; trial?: number[]; mode: RearrangeMode; trainPath?: TrainPathRequest },
    ) => {
      applyThreads(opts);
      const levels = opts.levels;
      const { signal } = interruptSignal();
      const mode = outputMode(opts);
      const { note, ...paths } = trainPathRunOptions(opts);
      if (mode === 'bar') process.stderr.write(`${note}\n`);
      const r = await runBranch(runDir, kind, {
        ...paths,
        device: opts.device,
        rearrangeMode: opts.mode,
        ...(opts.seed ? { seed: opts.seed } : {}),
        ...(levels ? { levels } : {}),
        ...(opts.trial ? { trials: opts.trial } : {}),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        onEvent: lotteryReporter(mode, `branch ${kind}`),
        signal,
      });
      if (!r.complete) process.exitCode = 130;
      if (mode !== 'json') process.stdout.write(`${summaryTable(r.summaries)}\nbranch: ${r.dir}\n`);
    },
  );
}
