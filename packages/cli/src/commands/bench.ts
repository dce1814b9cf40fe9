// lth bench: runs the bench package (end-to-end: training steps, ticket inference) in a child process;
// lth bench calibrate-sparse: the crossover densities of sparse-aware training, once per SIMD path of this CPU.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crossoverFilePath, native } from '@lth/core';
import { Command, Option } from 'commander';
import { positiveInt } from './common.js';

/** Run a script of the bench package under tsx (resolved from here, not from the user's working directory). */
function runBenchScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@lth/bench/package.json'));
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(pkg, 'src', script), ...args], {
    stdio: 'inherit',
    env,
  });
  return r.status ?? 1;
}

function calibrateSparseCommand(): Command {
  return new Command('calibrate-sparse')
    .description(
      'measure the crossover densities of sparse-aware training on this machine: for each fully connected layer shape ' +
        '(LeNet-300-100, the Conv-2/4/6 heads), one training step masked-dense vs sparse over densities, once per SIMD path ' +
        'of this CPU (or --simd); writes the file `--train-path auto` reads',
    )
    .addOption(new Option('--out <file>', 'where to write (merged with the platforms already there)').default(crossoverFilePath()))
    .addOption(new Option('--batch <n>', 'batch size of the timed steps').argParser(positiveInt).default(60))
    .addOption(new Option('--simd <list>', 'SIMD paths to calibrate, comma-separated (default: every path this CPU has)'))
    .addOption(new Option('--quick', 'LeNet-300-100 shapes only, shorter timings (about a minute per path)'))
    .action((opts: { out: string; batch: number; simd?: string; quick?: boolean }) => {
      const have = native.capabilities().cpu.simdAvailable;
      const paths = opts.simd ? opts.simd.split(',').map((s) => s.trim()) : have;
      const missing = paths.filter((p) => !(have as string[]).includes(p));
      if (missing.length) throw new Error(`--simd: this CPU has no ${missing.join(', ')} path (it has ${have.join(', ')})`);
      for (const simd of paths) {
        const args = ['--out', opts.out, '--batch', String(opts.batch), ...(opts.quick ? ['--quick'] : [])];
        const status = runBenchScript('calibrate-sparse.ts', args, { ...process.env, LTH_SIMD: simd });
        if (status !== 0) {
          process.exitCode = status;
          return;
        }
      }
    });
}

export function benchCommand(): Command {
  return (
    new Command('bench')
      .description(
        'benchmarks on this machine: training steps (lth vs tfjs) and ticket inference (lth dense / CSR vs onnxruntime-node); `lth bench calibrate-sparse`: crossovers of sparse-aware training; kernel benchmarks: npm run bench -w @lth/native-sparse',
      )
      .addOption(new Option('--quick', 'a short run (about a minute)'))
      .addOption(
        new Option('--device <device>', 'where lth computes (cuda: exit code 2 when the addon has no usable CUDA device)')
          .choices(['cpu', 'cuda'])
          .default('cpu'),
      )
      .addOption(new Option('--run <dir>', 'use a trained ticket from this run for the inference benchmark'))
      .addOption(new Option('--level <k>', 'level of --run to use'))
      // `lth bench calibrate-sparse --quick`: the subcommand's --quick, not this command's.
      .enablePositionalOptions()
      .addCommand(calibrateSparseCommand())
      .action((opts: { quick?: boolean; device: 'cpu' | 'cuda'; run?: string; level?: string }) => {
        const args: string[] = [];
        if (opts.quick) args.push('--quick');
        args.push('--device', opts.device);
        if (opts.run) args.push('--run', opts.run, '--level', opts.level ?? '0');
        process.exitCode = runBenchScript('main.ts', args);
      })
  );
}
