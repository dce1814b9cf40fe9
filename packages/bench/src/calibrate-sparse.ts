// `lth bench calibrate-sparse`: the crossover densities of sparse-aware training on this machine, for the SIMD
// path this process runs (LTH_SIMD picks it; the CLI runs this once per path the CPU has). For each fully
// connected layer shape of the models (LeNet-300-100; the fc head of Conv-2/4/6), one layer's training step
// (forward, backward, Adam) is timed (fastest run) masked-dense and sparse over densities; the crossover is where sparse stops
// winning (core's crossoverFromTimings), merged into the crossover file under this platform's key.
//   node --import tsx packages/bench/src/calibrate-sparse.ts [--out <file>] [--batch 60] [--quick]
import { crossoverFilePath, crossoverFromTimings, platformKey, writeCrossoverFile, type CrossoverPoint } from '@lth/core';
import { simdCaption, time } from '@lth/native-sparse/bench-harness';
import { cpus } from 'node:os';
import { LayerStep } from './sparse-layer-step.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** [out, in] of every prunable fc layer of the models lth trains (LeNet-300-100, Conv-2/4/6 heads). */
const SHAPES: Array<[number, number]> = [
  [300, 784],
  [100, 300],
  [10, 100],
  [256, 16384],
  [256, 8192],
  [256, 4096],
  [256, 256],
  [10, 256],
];
const QUICK_SHAPES = SHAPES.slice(0, 3);
const DENSITIES = [1, 0.8, 0.6, 0.45, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05, 0.03, 0.015];

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const batch = Number(arg('--batch') ?? 60);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch: expected a positive integer, got '${arg('--batch')}'`);
  const out = arg('--out') ?? crossoverFilePath();
  const platform = platformKey('cpu');
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`calibrating ${platform} (${simdCaption()}), batch ${batch}${quick ? ', quick' : ''}`);
  const entries: Record<string, number> = {};
  for (const [o, i] of quick ? QUICK_SHAPES : SHAPES) {
    const points: CrossoverPoint[] = [];
    for (const density of DENSITIES) {
      const s = new LayerStep(o, i, batch, density);
      try {
        s.check();
        const opts = { warmup: 3, minTimeMs: quick ? 60 : 200, minRuns: 5 };
        s.usePath('dense');
        const dense = await time(() => s.step(), opts);
        s.usePath('sparse');
        const sparse = await time(() => s.step(), opts);
        // The fastest run of each: steadier than the median on a shared machine (another process's burst only slows runs).
        points.push({ density, denseMs: dense.minMs, sparseMs: sparse.minMs });
        say(
          `  ${o}x${i} density ${density.toFixed(3)}: masked-dense ${dense.minMs.toFixed(3)} ms, sparse ${sparse.minMs.toFixed(3)} ms (fastest of ${dense.runs} / ${sparse.runs}; ${(dense.minMs / sparse.minMs).toFixed(2)}×)`,
        );
      } finally {
        s.dispose();
      }
    }
    entries[`${o}x${i}`] = crossoverFromTimings(points);
    say(`  ${o}x${i}: crossover density ${(100 * entries[`${o}x${i}`]!).toFixed(1)}%`);
  }
  // Shapes not calibrated train masked-dense under auto: the crossover depends on the shape (see the table).
  entries.default = 0;
  writeCrossoverFile(out, {
    version: 1,
    measuredOn: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${new Date().toISOString()}`,
    batchSize: batch,
    crossovers: { [platform]: entries },
  });
  say(`${platform}: ${JSON.stringify(entries)} → ${out}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`calibrate-sparse: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
