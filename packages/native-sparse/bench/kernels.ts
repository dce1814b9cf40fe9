// Runs every kernel benchmark of this package in one process, side by side, and writes
// bench-results/kernels.{json,md}. Usage: node --import tsx bench/kernels.ts [--quick] [--only dense,conv,layers,sparse,prune]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilities, getThreads } from '../lib/index.js';
import { markdownTable, type BenchRow } from './harness.js';

const suites = ['dense', 'conv', 'layers', 'sparse', 'prune'] as const;
type Suite = (typeof suites)[number];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? (args[onlyArg + 1] ?? '').split(',') : [...suites];
  for (const name of only) {
    if (!(suites as readonly string[]).includes(name)) throw new Error(`unknown suite '${name}' (expected ${suites.join(', ')})`);
  }
  const caps = capabilities();
  const header = `cpu: ${caps.cpu.threads} threads (${caps.cpu.simd}), node ${process.version}, ${new Date().toISOString()}`;
  console.log(header);
  const rows: BenchRow[] = [];
  for (const name of only as Suite[]) {
    const mod = (await import(`./${name}.js`)) as { run(opts: { quick: boolean }): Promise<BenchRow[]> };
    const r = await mod.run({ quick });
    console.log(`\n## ${name}\n\n${markdownTable(r)}`);
    rows.push(...r);
  }
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernels.json'), JSON.stringify({ header, threads: getThreads(), rows }, null, 2));
  writeFileSync(join(dir, 'kernels.md'), `${header}\n\n${markdownTable(rows)}\n`);
  console.log(`\nwrote ${join(dir, 'kernels.json')} and kernels.md`);
}

await main();
