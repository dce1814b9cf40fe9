// Runs every kernel benchmark of this package in one process, side by side, and writes
// bench-results/kernels.{json,md}. Usage:
//   node --import tsx bench/kernels.ts [--quick] [--device cpu|cuda] [--only dense,conv,layers,sparse,prune]
// --device cuda creates the lth tensors of every case on the GPU (the baselines stay where they run); without a
// usable CUDA device it exits with code 2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilities, getThreads, type Device } from '../lib/index.js';
import { benchDeviceOrExit } from './device.js';
import { markdownTable, type BenchRow } from './harness.js';
import { shortError } from './tfjs.js';

const suites = ['dense', 'conv', 'layers', 'sparse', 'prune'] as const;
type Suite = (typeof suites)[number];

function describeDevice(device: Device): string {
  const caps = capabilities();
  const cpu = `cpu: ${caps.cpu.threads} threads (lth SIMD path ${caps.cpu.simd}${process.env.LTH_SIMD ? `, LTH_SIMD=${process.env.LTH_SIMD}` : ''}; this CPU has ${caps.cpu.simdAvailable.join(', ')})`;
  if (device === 'cpu') return cpu;
  const d = caps.cuda.devices[0];
  return `${cpu}; device cuda: ${d ? JSON.stringify(d) : 'unknown'}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const device = benchDeviceOrExit('kernel bench', args);
  const quick = args.includes('--quick');
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? (args[onlyArg + 1] ?? '').split(',') : [...suites];
  for (const name of only) {
    if (!(suites as readonly string[]).includes(name)) throw new Error(`unknown suite '${name}' (expected ${suites.join(', ')})`);
  }
  const header = `${describeDevice(device)}, lth tensors on ${device}, node ${process.version}, ${quick ? 'quick' : 'full'} mode, ${new Date().toISOString()}`;
  console.log(header);
  const rows: BenchRow[] = [];
  for (const name of only as Suite[]) {
    const mod = (await import(`./${name}.js`)) as { run(opts: { quick: boolean; device: Device }): Promise<BenchRow[]> };
    const r = await mod.run({ quick, device });
    console.log(`\n## ${name}\n\n${markdownTable(r)}`);
    rows.push(...r);
  }
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernels.json'), JSON.stringify({ header, device, quick, threads: getThreads(), rows }, null, 2));
  writeFileSync(join(dir, 'kernels.md'), `${header}\n\n${markdownTable(rows)}\n`);
  console.log(`\nwrote ${join(dir, 'kernels.json')} and kernels.md`);
}

try {
  await main();
} catch (e) {
  // One line, not a stack into tfjs's one-line minified wasm glue.
  process.stderr.write(`kernel bench: ${shortError(e, 500)}\n`);
  process.exitCode = 1;
}
