// lth report <run-dir…>: report.md + SVG plots, and the table in the terminal.
import { join } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { writeReport } from '../report/write.js';

export function reportCommand(): Command {
  return new Command('report')
    .description(
      'tables and SVG plots of a run and its controls (accuracy and early stop vs % weights, training curves, init histograms); several runs (e.g. IMP and one-shot) go into one report',
    )
    .addArgument(new Argument('<run-dir...>', 'run directories written by `lth lottery` / `lth oneshot`'))
    .addOption(new Option('--out <dir>', 'where to write report.md and the figures (default: <first run>/report)'))
    .action(async (dirs: string[], opts: { out?: string }) => {
      const r = await writeReport(dirs, opts.out ?? join(dirs[0]!, 'report'));
      process.stdout.write(`${r.table}\n\nwrote ${r.markdown} and ${r.figures.length} figures\n`);
    });
}
