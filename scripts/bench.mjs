#!/usr/bin/env node
// `npm run bench` / `npm run bench:quick`: the kernel benchmarks (@lth/native-sparse), then the end-to-end ones
// (@lth/bench), one after the other: on a 2-core machine two benchmarks side by side would time each other.
// Arguments (--quick, --device cpu|cuda) go to both; the first failure stops the run with its exit code
// (2: --device cuda without a usable CUDA device). Results: packages/*/bench-results/.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const script = args.includes('--quick') ? 'bench:quick' : 'bench';
const rest = args.filter((a) => a !== '--quick');
const t0 = performance.now();
for (const ws of ['@lth/native-sparse', '@lth/bench']) {
  const r = spawnSync('npm', ['run', script, '--silent', '-w', ws, '--', ...rest], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nbench (${script === 'bench' ? 'full' : 'quick'}): ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
