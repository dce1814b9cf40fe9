import { PRESETS } from '@lth/core';
import { Command } from 'commander';
import { textTable } from '../table.js';

export function presetsCommand(): Command {
  return new Command('presets')
    .description('list the published setups')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(PRESETS, null, 2)}\n`);
        return;
      }
      const rows = Object.values(PRESETS).map((p) => [p.name, p.summary, p.source]);
      process.stdout.write(`${textTable(['preset', 'setup', 'source'], rows, 3)}\n`);
    });
}
