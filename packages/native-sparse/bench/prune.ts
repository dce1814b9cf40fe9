// Magnitude selection: global pruning over 3 tensors (prior masks at 80% density, prune 20% of the alive
// weights), in ns per weight (all weights, alive or not).
//   js-sort     the baseline: a sort-based TypeScript implementation on Float32Arrays (alive |w| into a
//               typed array, native typed-array sort, then the threshold and the same tie rule)
//   lth         magnitudePrune (radix select), default threads, and on 1 thread
//   lth-ref     the C++ reference loops (std::sort of (|w|, tensor, index)), up to 10M weights
// With --device cuda, the lth row runs on the GPU and the CPU-only rows (thread counts, reference) are left out.
// Every result is validated against js-sort (identical masks) before timing.
import { benchDeviceOrExit } from './device.js';
import { addSpeedups, markdownTable, time, type BenchRow } from './harness.js';
import { fromArray, getThreads, magnitudePrune, setKernelVariant, setThreads, type Device, type Tensor } from '../lib/index.js';

function gaussian(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    a[i] = r * Math.cos(th);
    if (i + 1 < n) a[i + 1] = r * Math.sin(th);
  }
  return a;
}

/** Sort-based global magnitude pruning with the addon's tie rule (lower tensor, then lower index, first). */
export function jsSortPrune(weights: Float32Array[], masks: Uint8Array[], count: number): Uint8Array[] {
  let alive = 0;
  for (const m of masks) for (let i = 0; i < m.length; i++) alive += m[i] ? 1 : 0;
  const mags = new Float32Array(alive);
  let k = 0;
  weights.forEach((w, t) => {
    const m = masks[t]!;
    for (let i = 0; i < w.length; i++) if (m[i]) mags[k++] = Math.abs(w[i]!);
  });
  mags.sort();
  const out = masks.map((m) => Uint8Array.from(m, (x) => (x ? 1 : 0)));
  if (count === 0) return out;
  const T = mags[count - 1]!;
  let lo = 0;
  let hi = count; // first index with mags[i] >= T
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (mags[mid]! < T) lo = mid + 1;
    else hi = mid;
  }
  let ties = count - lo;
  weights.forEach((w, t) => {
    const o = out[t]!;
    for (let i = 0; i < w.length; i++) {
      if (!o[i]) continue;
      const a = Math.abs(w[i]!);
      if (a < T || (a === T && ties-- > 0)) o[i] = 0;
    }
  });
  return out;
}

function sameMasks(a: Uint8Array[], b: Uint8Array[], label: string): void {
  a.forEach((x, t) => {
    const y = b[t]!;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) throw new Error(`${label}: mask ${t} differs at ${i}`);
  });
}

export async function run(opts: { quick: boolean; device?: Device }): Promise<BenchRow[]> {
  const on = { device: opts.device ?? 'cpu' };
  const cpu = on.device === 'cpu';
  const threads = getThreads();
  const cases: Array<[string, number[]]> = [
    ['266K (LeNet)', [235200, 30000, 1000]],
    ['10M', [6_000_000, 3_000_000, 1_000_000]],
    ...(opts.quick ? [] : [['25.6M', [16_000_000, 8_000_000, 1_600_000]] as [string, number[]]]),
  ];
  const rows: BenchRow[] = [];
  for (const [name, sizes] of cases) {
    const total = sizes.reduce((a, b) => a + b, 0);
    const w = sizes.map((n, t) => gaussian(17 + t, n));
    const m = sizes.map((n, t) => {
      const g = gaussian(99 + t, n);
      return Uint8Array.from(g, (x) => (x < 0.8416 ? 1 : 0)); // P(N(0,1) < 0.8416) = 0.8
    });
    let alive = 0;
    for (const x of m) for (let i = 0; i < x.length; i++) alive += x[i]!;
    const count = Math.round(0.2 * alive);
    const W = w.map((x) => fromArray(x, [x.length], on));
    const M = m.map((x) => fromArray(x, [x.length], on));
    const out = w.map((x) => fromArray(new Uint8Array(x.length), [x.length], on));
    const want = jsSortPrune(w, m, count);
    const big = total > 1e6;
    const timing = { minTimeMs: opts.quick ? 100 : big ? 1500 : 500, minRuns: big ? 3 : 5, warmup: big ? 1 : 3 };
    const add = (impl: string, ms: number) =>
      rows.push({
        group: 'global magnitude prune, 3 tensors',
        case: `${name}`,
        impl,
        medianMs: ms,
        rate: (ms * 1e6) / total,
        unit: 'ns/weight',
      });
    const native = (label: string) => {
      magnitudePrune(W, M, count, { out });
      sameMasks(
        out.map((t: Tensor<'u8'>) => t.download()),
        want,
        label,
      );
      return () => magnitudePrune(W, M, count, { out });
    };
    add('js-sort', (await time(() => jsSortPrune(w, m, count), { ...timing, minRuns: big ? 2 : 3, warmup: 1 })).medianMs);
    if (!cpu) {
      add('lth (cuda)', (await time(native('lth cuda'), timing)).medianMs);
    } else {
      add(`lth (${threads} threads)`, (await time(native('lth'), timing)).medianMs);
      setThreads(1);
      add('lth (1 thread)', (await time(native('lth 1 thread'), timing)).medianMs);
      setThreads(threads);
    }
    if (cpu && !opts.quick && total <= 10_000_000) {
      setKernelVariant('reference');
      try {
        add('lth-ref (std::sort)', (await time(native('lth-ref'), { ...timing, minRuns: 2, warmup: 1 })).medianMs);
      } finally {
        setKernelVariant('fast');
      }
    }
    [...W, ...M, ...out].forEach((t) => t.dispose());
  }
  return addSpeedups(rows, 'js-sort');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const device = benchDeviceOrExit('prune bench', process.argv);
  const quick = process.argv.includes('--quick');
  console.log(`threads: ${getThreads()}, device ${device}`);
  console.log(markdownTable(await run({ quick, device })));
}
