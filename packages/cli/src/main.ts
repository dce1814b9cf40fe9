#!/usr/bin/env node
// The `lth` command.
import { Command, CommanderError } from 'commander';
import { branchCommand } from './commands/branch.js';
import { lotteryCommand } from './commands/lottery.js';
import { presetsCommand } from './commands/presets.js';
import { infoCommand } from './commands/info.js';
import { reportCommand } from './commands/report.js';
import { stabilityCommand } from './commands/stability.js';
import { exportCommand } from './commands/export.js';
import { benchCommand } from './commands/bench.js';
import { dataCommand } from './commands/data.js';
import { reproduceCommand } from './commands/reproduce.js';
import { statusCommand } from './commands/status.js';
import { submitCommand } from './commands/submit.js';

const program = new Command('lth')
  .description('lth — find, study and ship winning lottery tickets (Frankle & Carbin) on a native sparse engine')
  .showHelpAfterError('(add --help for usage)')
  .enablePositionalOptions()
  .exitOverride();

program.addCommand(lotteryCommand('lottery'));
program.addCommand(lotteryCommand('oneshot'));
program.addCommand(lotteryCommand('train'));
program.addCommand(branchCommand());
program.addCommand(submitCommand());
program.addCommand(statusCommand());
program.addCommand(stabilityCommand());
program.addCommand(reportCommand());
program.addCommand(exportCommand());
program.addCommand(benchCommand());
program.addCommand(dataCommand());
program.addCommand(reproduceCommand());
program.addCommand(presetsCommand());
program.addCommand(infoCommand());

// One line of advice per error family whose message alone may not say what to do next.
const HINTS: Record<string, string> = {
  ERR_STORE: 'a run-directory file is damaged or missing; the message names it (see packages/core/README.md, "Damaged store files")',
  ERR_DATA: 'a dataset file is damaged or of the wrong format; delete it and fetch it again, or point --data-dir at a good copy',
  ENOENT: 'a file or directory named in the message does not exist',
};

async function main(): Promise<void> {
  try {
    if (process.argv.length <= 2) {
      program.outputHelp();
      return;
    }
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error & { code?: string };
    // Hyperparameter errors name schema paths (training.lr); say which flag that is.
    const message =
      err.code === 'ERR_HPARAMS'
        ? err.message.replace(
            /^ {2}(\w+)\.(\w+):/gm,
            (_m, _s: string, f: string) => `  --${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`,
          )
        : err.message;
    process.stderr.write(`lth: ${message}${err.code ? ` [${err.code}]` : ''}\n`);
    const hint = err.code ? HINTS[err.code] : undefined;
    if (hint) process.stderr.write(`hint: ${hint}\n`);
    process.exitCode = 1;
  }
}

await main();
