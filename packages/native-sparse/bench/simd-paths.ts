// The issue-16 comparison: lth's kernels on two CPU SIMD paths, each against onnxruntime-node in the same
// process, one after the other in one run. The path is chosen once per process (env LTH_SIMD), so each path runs
// in a child process of this script; each child validates every result before timing (dense.ts, sparse.ts,
// conv.ts) and times onnxruntime beside lth. Cases: the masked dense layer forward/backward at LeNet-300-100
// (784→300, 300→100) and Conv-4 fc (8192→256, 256→256) shapes, batch 60 and 512, 1 and 2 threads; CSR SpMM
// 784→300 at 10% (and 2%, 100%) weights, batch 512; conv forward on Conv-4 and ResNet-20 layers.
//   node --import tsx bench/simd-paths.ts [--paths avx2,auto] [--quick]
// Writes bench-results/simd-paths.{json,md}. On a CPU with AVX-512, onnxruntime (MLAS) runs its AVX-512 kernels
// in both children (it has no switch to narrow them): the avx2 column is lth's AVX2 path against MLAS's AVX-512.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capabilities, getThreads, setThreads } from '../lib/index.js';
import { simdCaption, type BenchRow } from './harness.js';

const denseShapes: Array<[number, number]> = [
  [784, 300],
  [300, 100],
  [8192, 256],
  [256, 256],
];
const convNames = ['conv4 L1 3→64 32²', 'conv4 L2 64→64 32²', 'conv4 L4 128→128 16²', 'resnet20 16→16 32²', 'resnet20 32→64 s2 16²'];

interface ChildResult {
  simd: string;
  caption: string;
  rows: BenchRow[];
}

async function child(out: string, quick: boolean): Promise<void> {
  const dense = await import('./dense.js');
  const sparse = await import('./sparse.js');
  const conv = await import('./conv.js');
  const rows: BenchRow[] = [];
  rows.push(...(await dense.run({ quick, tfjs: false, shapes: denseShapes, threads: [1, 2] })));
  const saved = getThreads();
  for (const t of [1, 2]) {
    setThreads(t);
    for (const r of await sparse.run({ quick: true, tfjs: false }))
      if (r.group.endsWith('B512')) rows.push({ ...r, group: `csr ${r.group} ${t}T` });
    for (const r of await conv.run({ quick, names: convNames, forwardOnly: true }))
      if (r.group === 'conv2d forward') rows.push({ ...r, group: `conv2d forward ${t}T` });
  }
  setThreads(saved);
  const result: ChildResult = { simd: capabilities().cpu.simd, caption: simdCaption(), rows };
  writeFileSync(out, JSON.stringify(result));
}

const baselineOf = (r: BenchRow) => r.impl.startsWith('onnxruntime') || r.impl === 'ort-dense';
const isOurs = (r: BenchRow) => r.impl.startsWith('lth masked') || r.impl === 'lth-csr' || r.impl === 'lth';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const at = args.indexOf('--child');
  if (at >= 0) return child(args[at + 1]!, quick);
  const pathsAt = args.indexOf('--paths');
  const paths = (pathsAt >= 0 ? args[pathsAt + 1]! : 'avx2,auto').split(',');
  const results: Array<{ asked: string; res: ChildResult; ms: number }> = [];
  const self = fileURLToPath(import.meta.url);
  for (const asked of paths) {
    const out = join(tmpdir(), `lth-simd-paths-${process.pid}-${asked}.json`);
    const t0 = Date.now();
    const env = { ...process.env, LTH_SIMD: asked };
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', out, ...(quick ? ['--quick'] : [])], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`LTH_SIMD=${asked}: the child run failed (exit ${r.status})`);
    results.push({ asked, res: JSON.parse(readFileSync(out, 'utf8')) as ChildResult, ms: Date.now() - t0 });
  }
  // One line per (group, case, lth impl): the baseline and lth per path, each ratio within its own process.
  const head = [
    'group',
    'case',
    'lth impl',
    ...results.flatMap(({ res }) => [
      `ort ms (${res.simd} run)`,
      `lth ${res.simd} ms`,
      `${res.simd} ratio`,
      `${res.simd} ratio of fastest`,
    ]),
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`];
  const first = results[0]!.res.rows.filter(isOurs);
  for (const r of first) {
    const cells = [r.group, r.case, r.impl];
    for (const { res } of results) {
      const ours = res.rows.find((x) => x.group === r.group && x.case === r.case && x.impl === r.impl);
      const base = res.rows.find((x) => x.group === r.group && x.case === r.case && baselineOf(x));
      const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '');
      cells.push(
        base ? base.medianMs.toFixed(4) : '',
        ours ? ours.medianMs.toFixed(4) : '',
        ratio(base?.medianMs, ours?.medianMs),
        ratio(base?.minMs, ours?.minMs),
      );
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const caps = capabilities();
  const header = [
    `lth SIMD paths side by side (${quick ? 'quick' : 'full'} mode), ${new Date().toISOString()}, node ${process.version}; this CPU has ${caps.cpu.simdAvailable.join(', ')}`,
    ...results.map(({ asked, res, ms }) => `- LTH_SIMD=${asked}: ${res.caption} (${(ms / 1000).toFixed(0)} s)`),
    'ratio = onnxruntime median / lth median in the same process (> 1: lth faster); ratio of fastest = the same for',
    'the fastest run of each (steadier when other work shares the cores).',
  ].join('\n');
  const md = `${header}\n\n${lines.join('\n')}\n`;
  console.log(`\n${md}`);
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'simd-paths.json'), JSON.stringify({ header, results }, null, 2));
  writeFileSync(join(dir, 'simd-paths.md'), md);
}

await main();
