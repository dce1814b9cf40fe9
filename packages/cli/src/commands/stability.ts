// lth stability <run-dir>: the two stability distances of Stabilizing the LTH for every pruned level — to the dense
// network on the subnetwork, and between two data orders (training the data-order branch first where missing).
import { runBranch, stabilityOf, type TrainPathRequest } from '@lth/core';
import { Argument, Command, Option } from 'commander';
import { lotteryReporter, outputMode } from '../progress.js';
import { stabilityTable } from '../table.js';
import { trainPathOption, trainPathRunOptions } from './train-path.js';
import { addCommonOptions, applyThreads, interruptSignal, parseLevels, positiveInt, type CommonOptions } from './common.js';

export function stabilityCommand(): Command {
  return addCommonOptions(
    new Command('stability')
      .description(
        'stability to pruning (‖W_ticket − m ⊙ W_dense‖) and to data order (‖W_ticket − W′_ticket‖, trains the data-order branch where missing) for every pruned level',
      )
      .addArgument(new Argument('<run-dir>', 'a run directory written by `lth lottery`'))
      .addOption(
        new Option('--seed <n>', 'seed offset of the data-order branch (as `lth branch data-order --seed`)').argParser(positiveInt),
      )
      .addOption(
        new Option('--levels <list>', 'comma-separated levels to train the data-order branch on (default: all finished levels except 0)'),
      )
      .addOption(new Option('--no-train', 'only measure: use the data-order levels already trained'))
      .addOption(trainPathOption()),
  ).action(
    async (runDir: string, opts: CommonOptions & { seed?: number; levels?: string; train: boolean; trainPath?: TrainPathRequest }) => {
      applyThreads(opts);
      const mode = outputMode(opts);
      if (opts.train) {
        const levels = parseLevels(opts.levels);
        const { signal } = interruptSignal();
        const { note, ...paths } = trainPathRunOptions(opts);
        if (mode === 'bar') process.stderr.write(`${note}\n`);
        const r = await runBranch(runDir, 'data-order', {
          ...paths,
          device: opts.device,
          ...(opts.seed ? { seed: opts.seed } : {}),
          ...(levels ? { levels } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          onEvent: lotteryReporter(mode, 'branch data-order'),
          signal,
        });
        if (!r.complete) {
          process.exitCode = 130;
          return;
        }
      }
      const rows = stabilityOf(runDir, opts.seed ?? 0);
      if (mode === 'json') process.stdout.write(`${JSON.stringify({ type: 'stability', rows })}\n`);
      else process.stdout.write(`${stabilityTable(rows)}\n`);
    },
  );
}
