// Sparse vs masked-dense training of one fully connected layer (issue 15): per LeNet-300-100 layer at batch 60 and
// per mask density, the time of one training step of the layer — forward (bias + ReLU), backward (dx, dW, db) and
// an Adam step of W — done masked-dense (maskedDenseForward + maskedDenseBackward + adamStep { mask }) and sparse
// (sparseDenseForward + sparseDenseBackward into the caller's dW + adamStep { positions }), with the crossover
// density below which sparse is faster, on each CPU SIMD path. The path is chosen once per process (env LTH_SIMD),
// so each path runs in a child process of this script; each child checks the sparse results against the masked
// ones before timing.
//   node --import tsx bench/sparse-training.ts [--paths avx512,avx2,generic] [--quick] [--threads N]
// Writes bench-results/sparse-training.{json,md}.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  adamStep,
  capabilities,
  fromArray,
  getThreads,
  maskedDenseBackward,
  maskedDenseForward,
  setThreads,
  sparseDenseBackward,
  sparseDenseForward,
  sparseDenseStructure,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { simdCaption, time, validate } from './harness.js';

const LAYERS: Array<[number, number, boolean]> = [
  [784, 300, true],
  [300, 100, true],
  [100, 10, false],
];
const DENSITIES = [1, 0.8, 0.64, 0.51, 0.41, 0.33, 0.26, 0.21, 0.17, 0.13, 0.107, 0.086, 0.069, 0.055, 0.044, 0.035, 0.028];
const B = 60;

interface Row {
  layer: string;
  density: number;
  maskedMs: number;
  sparseMs: number;
  maskedMinMs: number;
  sparseMinMs: number;
}

interface ChildResult {
  simd: string;
  caption: string;
  threads: number;
  rows: Row[];
}

/** Seeded uniform values in [-scale, scale] (mulberry32): the same inputs in every child. */
function values(seed: number, n: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    a[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return a;
}

async function layerRows(In: number, Out: number, relu: boolean, quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const x = fromArray(values(1, B * In, 1), [B, In]);
  const dy = fromArray(values(2, B * Out, 1), [B, Out]);
  const bias = fromArray(values(3, Out, 0.1), [Out]);
  const w0 = values(4, Out * In, 1 / Math.sqrt(In));
  const u = values(5, Out * In, 0.5);
  const timing = quick ? { warmup: 2, minTimeMs: 60, minRuns: 5 } : { warmup: 5, minTimeMs: 250, minRuns: 15 };
  for (const density of DENSITIES) {
    const maskArr = Uint8Array.from(u, (v) => (v + 0.5 < density ? 1 : 0));
    const mask = fromArray(maskArr, [Out, In]);
    const s = sparseDenseStructure(mask);
    const alive = (a: Float32Array) =>
      fromArray(
        a.map((v, k) => (maskArr[k] ? v : 0)),
        [Out, In],
      );
    const state = () => ({ W: alive(w0), m: zeros([Out, In]), v: zeros([Out, In]) });
    const [md, sp] = [state(), state()];
    const grads = () => ({ dx: zeros([B, In]), dW: zeros([Out, In]), db: zeros([Out]) });
    const [gm, gs] = [grads(), grads()];
    const [ym, ys] = [zeros([B, Out]), zeros([B, Out])];
    let step = 0;
    const masked = () => {
      maskedDenseForward(x, md.W, { mask, bias, relu, out: ym });
      maskedDenseBackward(x, md.W, dy, { mask, ...gm });
      adamStep(md.W, gm.dW, { lr: 1e-3, step: ++step, m: md.m, v: md.v, mask });
    };
    let sstep = 0;
    const sparse = () => {
      sparseDenseForward(x, sp.W, s, { bias, relu, out: ys });
      sparseDenseBackward(x, sp.W, dy, s, gs);
      adamStep(sp.W, gs.dW, { lr: 1e-3, step: ++sstep, m: sp.m, v: sp.v, positions: s.positions });
    };
    // One step each from the same state: the sparse results must be the masked ones.
    masked();
    sparse();
    const label = `${In}→${Out} density ${density}`;
    validate(`${label} y`, ys.download(), ym.download(), 1e-4);
    for (const k of ['dx', 'dW', 'db'] as const) validate(`${label} ${k}`, gs[k].download(), gm[k].download(), 1e-4);
    validate(`${label} W after adam`, sp.W.download(), md.W.download(), 1e-4);
    const tm = await time(masked, timing);
    const ts = await time(sparse, timing);
    rows.push({
      layer: `${In}→${Out}`,
      density,
      maskedMs: tm.medianMs,
      sparseMs: ts.medianMs,
      maskedMinMs: tm.minMs,
      sparseMinMs: ts.minMs,
    });
    const all: Tensor[] = [mask, md.W, md.m, md.v, sp.W, sp.m, sp.v, ...Object.values(gm), ...Object.values(gs), ym, ys];
    for (const t of all) t.dispose();
    s.dispose();
  }
  for (const t of [x, dy, bias]) t.dispose();
  return rows;
}

async function child(out: string, quick: boolean, threads: number | null): Promise<void> {
  if (threads !== null) setThreads(threads);
  const rows: Row[] = [];
  for (const [In, Out, relu] of LAYERS) rows.push(...(await layerRows(In, Out, relu, quick)));
  const result: ChildResult = { simd: capabilities().cpu.simd, caption: simdCaption(), threads: getThreads(), rows };
  writeFileSync(out, JSON.stringify(result));
}

/** Highest listed density from which sparse is faster at it and at every lower listed density (0: never). */
export function crossover(rows: Row[], key: 'ms' | 'min' = 'ms'): number {
  const sorted = [...rows].sort((a, b) => a.density - b.density);
  let best = 0;
  for (const r of sorted) {
    const faster = key === 'ms' ? r.sparseMs < r.maskedMs : r.sparseMinMs < r.maskedMinMs;
    if (!faster) break;
    best = r.density;
  }
  return best;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const threadsAt = args.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : null;
  const at = args.indexOf('--child');
  if (at >= 0) return child(args[at + 1]!, quick, threads);
  const pathsAt = args.indexOf('--paths');
  const available = capabilities().cpu.simdAvailable.filter((p) => p !== 'neon');
  const paths = pathsAt >= 0 ? args[pathsAt + 1]!.split(',') : [...available].reverse();
  const self = fileURLToPath(import.meta.url);
  const load0 = loadavg()[0]!;
  const results: ChildResult[] = [];
  for (const asked of paths) {
    const out = join(tmpdir(), `lth-sparse-training-${process.pid}-${asked}.json`);
    const childArgs = [
      '--import',
      'tsx',
      self,
      '--child',
      out,
      ...(quick ? ['--quick'] : []),
      ...(threads !== null ? ['--threads', String(threads)] : []),
    ];
    const r = spawnSync(process.execPath, childArgs, { env: { ...process.env, LTH_SIMD: asked }, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`LTH_SIMD=${asked}: the child run failed (exit ${r.status})`);
    results.push(JSON.parse(readFileSync(out, 'utf8')) as ChildResult);
  }
  const load1 = loadavg()[0]!;
  const lines: string[] = [];
  for (const [In, Out] of LAYERS) {
    const layer = `${In}→${Out}`;
    const head = ['density', ...results.flatMap((r) => [`masked ${r.simd} ms`, `sparse ${r.simd} ms`, `${r.simd} speedup`])];
    lines.push(`### ${layer}, batch ${B}: one step (forward + backward + Adam) of the layer`, '');
    lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---:').join('|')}|`);
    for (const d of DENSITIES) {
      const cells = [String(d)];
      for (const r of results) {
        const row = r.rows.find((x) => x.layer === layer && x.density === d)!;
        cells.push(row.maskedMs.toFixed(4), row.sparseMs.toFixed(4), `${(row.maskedMs / row.sparseMs).toFixed(2)}×`);
      }
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('### Crossover density (sparse faster at and below it; by medians, and by fastest runs)', '');
  lines.push(`| layer | ${results.map((r) => `${r.simd}`).join(' | ')} |`, `|---|${results.map(() => '---:').join('|')}|`);
  for (const [In, Out] of LAYERS) {
    const layer = `${In}→${Out}`;
    const cells = results.map((r) => {
      const rows = r.rows.filter((x) => x.layer === layer);
      return `${crossover(rows)} (fastest runs: ${crossover(rows, 'min')})`;
    });
    lines.push(`| ${layer} | ${cells.join(' | ')} |`);
  }
  const header = [
    `Sparse vs masked-dense layer training step (${quick ? 'quick' : 'full'} mode), ${new Date().toISOString()}, node ${process.version},`,
    `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} cores, ${results[0]?.threads ?? '?'} lth threads; load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after` +
      (Math.max(load0, load1) >= 2 ? ' (LOADED machine: not quiet-machine figures)' : ''),
    ...results.map((r) => `- ${r.caption}`),
    'medians; speedup = masked ms / sparse ms (> 1: sparse faster).',
  ].join('\n');
  const md = `${header}\n\n${lines.join('\n')}\n`;
  console.log(`\n${md}`);
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sparse-training.json'), JSON.stringify({ header, results }, null, 2));
  writeFileSync(join(dir, 'sparse-training.md'), md);
}

await main();
