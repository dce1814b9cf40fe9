// lth bench: runs the bench package (end-to-end: training steps, ticket inference) in a child process.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';

export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'benchmarks on this machine: training steps (lth vs tfjs) and ticket inference (lth dense / CSR vs onnxruntime-node); kernel benchmarks: npm run bench -w @lth/native-sparse',
    )
    .addOption(new Option('--quick', 'a short run (about a minute)'))
    .addOption(
      new Option('--device <device>', 'where lth computes (cuda: exit code 2 when the addon has no usable CUDA device)')
        .choices(['cpu', 'cuda'])
        .default('cpu'),
    )
    .addOption(new Option('--run <dir>', 'use a trained ticket from this run for the inference benchmark'))
    .addOption(new Option('--level <k>', 'level of --run to use'))
    .action((opts: { quick?: boolean; device: 'cpu' | 'cuda'; run?: string; level?: string }) => {
      const require = createRequire(import.meta.url);
      const pkg = dirname(require.resolve('@lth/bench/package.json'));
      // tsx resolved from here (not from the user's working directory) runs the bench's TypeScript.
      const args = ['--import', pathToFileURL(require.resolve('tsx')).href, join(pkg, 'src', 'main.ts')];
      if (opts.quick) args.push('--quick');
      args.push('--device', opts.device);
      if (opts.run) args.push('--run', opts.run, '--level', opts.level ?? '0');
      const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
      process.exitCode = r.status ?? 1;
    });
}
