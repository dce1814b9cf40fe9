// End-to-end benchmarks: training steps (lth vs tfjs; LeNet also vs a numpy/OpenBLAS loop when python3 has
// numpy) and ticket inference on the MNIST test set (lth dense,
// lth CSR, onnxruntime-node). Writes bench-results/bench.{json,md} and an SVG of inference speed-up vs density.
//   node --import tsx packages/bench/src/main.ts [--quick] [--device cpu|cuda] [--run <run-dir> --level <k>]
// --device cuda puts lth's models and tensors on the GPU (exit code 2 when the addon has no usable CUDA device).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '@lth/core';
import { benchDeviceOrExit } from '@lth/native-sparse/bench-device';
import { markdownTable, type BenchRow } from '@lth/native-sparse/bench-harness';
import { shortError } from '@lth/native-sparse/bench-tfjs';
import type { TopLevelSpec } from 'vega-lite';
import { run as inference } from './inference.js';
import { run as numpyBaseline } from './numpy-baseline.js';
import { run as trainingStep } from './training-step.js';
import { vegaLiteSvg } from './vega-svg.js';

/** The rows' notes (validation results, accuracies) as a list under a table. */
function notes(rows: BenchRow[]): string {
  return rows
    .filter((r) => r.note)
    .map((r) => `- ${r.case}, ${r.impl}: ${r.note}`)
    .join('\n');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function speedupSvg(rows: BenchRow[]): Promise<string> {
  const values = rows
    .filter((r) => r.group.startsWith('MNIST') && r.impl.startsWith('lth'))
    .map((r) => ({ percent: Number(/^([\d.]+)%/.exec(r.case)?.[1] ?? NaN), speedup: r.speedup ?? NaN, impl: r.impl }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'MNIST test-set inference: speed-up over onnxruntime-node dense',
    width: 480,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'percent', type: 'quantitative', title: '% of weights remaining (log scale)', scale: { type: 'log', reverse: true } },
          y: { field: 'speedup', type: 'quantitative', title: 'speed-up (×)' },
          color: { field: 'impl', type: 'nominal', title: null },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
    ],
  };
  return vegaLiteSvg(spec);
}

async function main(): Promise<void> {
  const device = benchDeviceOrExit('lth bench', process.argv.slice(2));
  const quick = process.argv.includes('--quick');
  const runDir = arg('--run');
  const level = arg('--level');
  const caps = native.capabilities();
  const gpu = device === 'cuda' ? `; device cuda: ${JSON.stringify(caps.cuda.devices[0] ?? null)}` : '';
  const header = `cpu: ${caps.cpu.threads} threads (${caps.cpu.simd})${gpu}, lth on ${device}, node ${process.version}, ${quick ? 'quick' : 'full'} mode, ${new Date().toISOString()}`;
  console.log(header);
  const rows: BenchRow[] = [];
  const step = await trainingStep({ quick, device });
  console.log(`\n## training step\n\n${markdownTable(step)}\n\n${notes(step)}`);
  rows.push(...step);
  if (device === 'cpu') {
    const np = await numpyBaseline({ quick });
    if (np.length) console.log(`\n## training step vs numpy\n\n${markdownTable(np)}\n\n${notes(np)}`);
    rows.push(...np);
  }
  const inf = await inference({ quick, device, ...(runDir ? { run: runDir, level: Number(level ?? 0) } : {}) });
  console.log(`\n## inference\n\n${markdownTable(inf)}`);
  rows.push(...inf);
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bench.json'), JSON.stringify({ header, device, quick, rows }, null, 2));
  writeFileSync(join(dir, 'bench.md'), `${header}\n\n${markdownTable(rows)}\n\n${notes(rows)}\n`);
  writeFileSync(join(dir, 'inference-speedup.svg'), await speedupSvg(inf));
  console.log(`\nwrote ${join(dir, 'bench.json')}, bench.md and inference-speedup.svg`);
}

try {
  await main();
} catch (e) {
  // One line, not a stack into tfjs's one-line minified wasm glue.
  process.stderr.write(`lth bench: ${shortError(e, 500)}\n`);
  process.exitCode = 1;
}
