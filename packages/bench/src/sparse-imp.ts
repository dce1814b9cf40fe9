// Sparse-aware IMP vs masked-dense, side by side in one process (issue 15): a 16-level LeNet-300-100 IMP with the
// quickstart preset's levels (3 epochs; --steps shortens them) trained twice — --train-path dense and auto —
// level by level in turn (dense level k, then auto level k: both see the same machine load), in two stores.
// Reports the total training time of each and their ratio, per-level time per iteration vs density (CSV, JSON and
// an SVG plot), the path auto took per layer, and both runs' test accuracies (the same to fp32-rounding noise).
//   node --import tsx packages/bench/src/sparse-imp.ts [--steps 3ep] [--levels 16] [--out bench-results]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  configureTrainPaths,
  createModel,
  initialize,
  levelDir,
  loadCrossovers,
  loadPrepared,
  Optimizer,
  platformKey,
  readSafetensors,
  resolveHparams,
  runLottery,
  type CrossoverTable,
  type Hparams,
  type LotteryEvent,
  type LevelSummary,
  type PreparedData,
} from '@lth/core';
import { fromArray, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { simdCaption, time } from '@lth/native-sparse/bench-harness';
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteSvg } from './vega-svg.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Mode = 'dense' | 'auto';

interface LevelRow {
  level: number;
  /** % of all prunable weights left, and per layer. */
  percent: number;
  layerPercent: Record<string, number>;
  iterations: number;
  ms: Record<Mode, number>;
  msPerIteration: Record<Mode, number>;
  testAccuracy: Record<Mode, number>;
  /** The path auto took per fc layer. */
  autoPaths: Record<string, string>;
  /** One training step (batch, forward, loss, backward, Adam) at the level's masks, fastest of repeated runs. */
  stepMs: Record<Mode, number>;
}

/**
 * The training step alone at a level's masks (file `maskFile`), on each path: LeNet with the run's initialisation,
 * the first batch of the training set, timed repeatedly (fastest run: the least disturbed by other processes).
 */
async function stepTimes(h: Hparams, data: PreparedData, maskFile: string, crossovers: CrossoverTable): Promise<Record<Mode, number>> {
  const B = h.dataset.batchSize;
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const x = fromArray(data.train.x.slice(0, B * size), [B, ...data.exampleShape], { device: 'cpu' });
  const y = fromArray(data.train.y.slice(0, B), [B], { device: 'cpu' });
  const D = zeros([B, data.classes], { device: 'cpu' });
  const masks = readSafetensors(maskFile).tensors;
  const out: Partial<Record<Mode, number>> = {};
  try {
    for (const mode of ['dense', 'auto'] as const) {
      const model = createModel(h.model, data.exampleShape, data.classes, 'cpu');
      const opt = new Optimizer(model.params, h.training);
      try {
        initialize(model, h.model, h.lottery.seed);
        for (const p of model.params) if (p.mask) p.mask.upload(masks[p.name]!.data as Uint8Array);
        configureTrainPaths(model, { request: mode, crossovers });
        const step = () => {
          softmaxCrossEntropy(model.forward(x, true), y, { dlogits: D });
          model.backward(D);
          opt.apply(h.training.lr);
        };
        out[mode] = (await time(step, { warmup: 5, minTimeMs: 300, minRuns: 20 })).minMs;
      } finally {
        opt.dispose();
        model.dispose();
      }
    }
  } finally {
    for (const t of [x, y, D]) t.dispose();
  }
  return out as Record<Mode, number>;
}

async function main(): Promise<void> {
  const steps = arg('--steps') ?? '3ep';
  const levels = Number(arg('--levels') ?? 16);
  const outDir = arg('--out') ?? 'bench-results';
  const h = resolveHparams('quickstart', { training: { steps }, lottery: { levels } });
  const data = await loadPrepared(h);
  const { table, source } = loadCrossovers();
  const say = (s: string) => process.stdout.write(`${s}\n`);
  const load0 = loadavg()[0]!;
  say(`LeNet-300-100 IMP, ${levels} levels × ${steps}, masked-dense vs sparse-aware (auto, crossovers: ${source}); ${simdCaption()}`);
  const root = mkdtempSync(join(tmpdir(), 'lth-sparse-imp-'));
  const rows: LevelRow[] = [];
  try {
    for (let level = 0; level <= levels; level++) {
      const ms: Partial<Record<Mode, number>> = {};
      const testAccuracy: Partial<Record<Mode, number>> = {};
      let autoPaths: Record<string, string> = {};
      let last: LevelSummary | null = null;
      let denseDir = '';
      for (const mode of ['dense', 'auto'] as const) {
        let t0 = 0;
        let summary: LevelSummary | null = null;
        const onEvent = (e: LotteryEvent) => {
          if (e.type === 'level-start' && e.level === level) {
            t0 = performance.now();
            if (mode === 'auto') autoPaths = Object.fromEntries((e.trainPaths ?? []).map((p) => [p.layer, p.path]));
          }
          if (e.type === 'level-end' && e.level === level) {
            ms[mode] = performance.now() - t0;
            summary = e.summary;
          }
        };
        const run = await runLottery(h, {
          root: join(root, mode),
          data,
          untilLevel: level,
          trainPath: mode,
          crossovers: table.crossovers,
          onEvent,
        });
        if (mode === 'dense') denseDir = run.dir;
        const got = summary as LevelSummary | null;
        if (!got) throw new Error(`${mode} level ${level}: no level-end event`);
        testAccuracy[mode] = got.final.testAccuracy;
        last = got;
      }
      const s = last!;
      const stepMs = await stepTimes(h, data, join(levelDir(denseDir, 0, level), 'mask.safetensors'), table.crossovers);
      const iterations = s.iterations.end - s.iterations.start;
      const r: LevelRow = {
        level,
        percent: 100 * s.density.density,
        layerPercent: Object.fromEntries(Object.entries(s.density.layers).map(([k, v]) => [k, 100 * v.density])),
        iterations,
        ms: { dense: ms.dense!, auto: ms.auto! },
        msPerIteration: { dense: ms.dense! / iterations, auto: ms.auto! / iterations },
        testAccuracy: { dense: testAccuracy.dense!, auto: testAccuracy.auto! },
        autoPaths,
        stepMs,
      };
      rows.push(r);
      say(
        `level ${level} (${r.percent.toFixed(1)}% left): masked-dense ${(r.ms.dense / 1000).toFixed(1)} s, auto ${(r.ms.auto / 1000).toFixed(1)} s ` +
          `(${(r.ms.dense / r.ms.auto).toFixed(2)}×; ${Object.entries(r.autoPaths)
            .map(([l, p]) => `${l} ${p}`)
            .join(', ')}); ` +
          `test acc ${(100 * r.testAccuracy.dense).toFixed(2)}% / ${(100 * r.testAccuracy.auto).toFixed(2)}%; ` +
          `step alone ${r.stepMs.dense.toFixed(3)} / ${r.stepMs.auto.toFixed(3)} ms`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const total = (m: Mode) => rows.reduce((a, r) => a + r.ms[m], 0);
  const result = {
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`,
    simd: simdCaption(),
    platform: platformKey('cpu'),
    crossovers: { source, values: table.crossovers[platformKey('cpu')] ?? null },
    steps,
    levels,
    loadAverage: { start: load0, end: loadavg()[0]! },
    totalSeconds: { dense: total('dense') / 1000, auto: total('auto') / 1000 },
    ratio: total('dense') / total('auto'),
    rows,
  };
  say(
    `total: masked-dense ${result.totalSeconds.dense.toFixed(1)} s, sparse-aware ${result.totalSeconds.auto.toFixed(1)} s — masked-dense / sparse-aware = ${result.ratio.toFixed(2)}× (load average ${load0.toFixed(2)} → ${result.loadAverage.end.toFixed(2)})`,
  );
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'sparse-imp.json'), `${JSON.stringify(result, null, 2)}\n`);
  const layers = Object.keys(rows[0]?.layerPercent ?? {});
  const csv = [
    [
      'level',
      'percent',
      ...layers.map((l) => `${l}_percent`),
      'iterations',
      'dense_ms_per_it',
      'auto_ms_per_it',
      'dense_step_ms',
      'auto_step_ms',
      'dense_test_acc',
      'auto_test_acc',
      ...layers.map((l) => `${l}_auto_path`),
    ].join(','),
    ...rows.map((r) =>
      [
        r.level,
        r.percent.toFixed(3),
        ...layers.map((l) => r.layerPercent[l]!.toFixed(3)),
        r.iterations,
        r.msPerIteration.dense.toFixed(4),
        r.msPerIteration.auto.toFixed(4),
        r.stepMs.dense.toFixed(4),
        r.stepMs.auto.toFixed(4),
        r.testAccuracy.dense,
        r.testAccuracy.auto,
        ...layers.map((l) => r.autoPaths[l] ?? ''),
      ].join(','),
    ),
  ];
  writeFileSync(join(outDir, 'sparse-imp.csv'), `${csv.join('\n')}\n`);
  writeFileSync(join(outDir, 'sparse-imp.svg'), await plot(rows, result.machine, result.platform));
  say(`wrote ${join(outDir, 'sparse-imp.{json,csv,svg}')}`);
}

function plot(rows: LevelRow[], machine: string, platform: string): Promise<string> {
  const run = 'IMP run: level time / iterations (incl. evaluation)';
  const step = 'training step alone (fastest run)';
  const values = rows.flatMap((r) => [
    { percent: r.percent, ms: r.msPerIteration.dense, path: 'masked-dense', measure: run },
    { percent: r.percent, ms: r.msPerIteration.auto, path: 'sparse-aware (auto)', measure: run },
    { percent: r.percent, ms: r.stepMs.dense, path: 'masked-dense', measure: step },
    { percent: r.percent, ms: r.stepMs.auto, path: 'sparse-aware (auto)', measure: step },
  ]);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'LeNet-300-100 IMP: time per training iteration vs weights left', subtitle: `${machine}, ${platform}` },
    width: 480,
    height: 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'percent', type: 'quantitative', title: '% of weights remaining (log scale)', scale: { type: 'log', reverse: true } },
      y: { field: 'ms', type: 'quantitative', title: 'ms per training iteration' },
      color: { field: 'path', type: 'nominal', title: null },
      strokeDash: { field: 'measure', type: 'nominal', title: null },
      detail: [{ field: 'path' }, { field: 'measure' }],
    },
  };
  return vegaLiteSvg(spec);
}

main().catch((e: unknown) => {
  process.stderr.write(`sparse-imp: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
