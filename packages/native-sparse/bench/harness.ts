// Timing helpers for kernel benchmarks: warm up, then time repeated runs and report the median.
// Results are validated by each case before it is timed (see the case files).
import { performance } from 'node:perf_hooks';
import { capabilities } from '../lib/index.js';

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export interface TimeOptions {
  warmup?: number;
  /** Keep timing until this much time has passed (and at least minRuns runs). */
  minTimeMs?: number;
  minRuns?: number;
  maxRuns?: number;
}

export async function time(fn: () => unknown | Promise<unknown>, opts: TimeOptions = {}): Promise<Timing> {
  const { warmup = 3, minTimeMs = 300, minRuns = 5, maxRuns = 10_000 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start < minTimeMs && samples.length < maxRuns)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)]!, minMs: samples[0]!, runs: samples.length };
}

export interface BenchRow {
  group: string;
  case: string;
  impl: string;
  medianMs: number;
  /** Fastest run, where recorded: steadier than the median on a shared, loaded machine. */
  minMs?: number;
  /** Useful work rate where it applies (GFLOP/s of the dense-equivalent or actual work, see `unit`). */
  rate?: number;
  unit?: string;
  /** Ratio vs the group's baseline impl (baseline time / this time): > 1 is faster. */
  speedup?: number;
  note?: string;
}

/** A timing's median and fastest run as BenchRow fields (a bare number: a median only). */
export function timed(t: Timing | number): Pick<BenchRow, 'medianMs' | 'minMs'> {
  return typeof t === 'number' ? { medianMs: t } : { medianMs: t.medianMs, minMs: t.minMs };
}

/** Fill `speedup` of each row relative to the row of the same group+case whose impl is `baseline`. */
export function addSpeedups(rows: BenchRow[], baseline: string): BenchRow[] {
  for (const r of rows) {
    const base = rows.find((b) => b.group === r.group && b.case === r.case && b.impl === baseline);
    if (base) r.speedup = base.medianMs / r.medianMs;
  }
  return rows;
}

/** Which CPU SIMD path lth's kernels ran (env LTH_SIMD forces one; see capabilities().cpu), for every table. */
export function simdCaption(): string {
  const { simd, simdNote } = capabilities().cpu;
  const forced = process.env.LTH_SIMD ? `, forced by LTH_SIMD=${process.env.LTH_SIMD}` : ', the widest this CPU has';
  return `lth CPU SIMD path: ${simd}${forced}${simdNote ? ` (${simdNote})` : ''}`;
}

/** The rows as a markdown table, captioned with the SIMD path lth ran. */
export function markdownTable(rows: BenchRow[]): string {
  const head = `${simdCaption()}\n\n| group | case | impl | median ms | rate | vs baseline |\n|---|---|---|---:|---:|---:|`;
  const body = rows.map(
    (r) =>
      `| ${r.group} | ${r.case} | ${r.impl} | ${r.medianMs.toFixed(4)} | ${r.rate !== undefined ? `${r.rate.toFixed(1)} ${r.unit ?? ''}` : ''} | ${r.speedup !== undefined ? `${r.speedup.toFixed(2)}×` : ''} |`,
  );
  return [head, ...body].join('\n');
}

/** Throw when a kernel result differs from the reference beyond tolerance (bench validates before timing). */
export function validate(label: string, got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-3): void {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length} != ${want.length}`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= rel * scale + 1e-6)) {
      throw new Error(`${label}: result differs at ${i}: ${got[i]} vs ${want[i]} (scale ${scale})`);
    }
  }
}
