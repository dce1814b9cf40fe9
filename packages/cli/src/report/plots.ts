// The report's figures as vega-lite specs, rendered to SVG headless with vega (no browser, no canvas).
import { levelDir, levelFile, readSafetensors } from '@lth/core';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { levelMetrics, type RunReport, type StabilityPoint } from './collect.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 520, height: 320 } as const;
const percentAxis = {
  field: 'percent',
  type: 'quantitative',
  title: '% of weights remaining (log scale)',
  scale: { type: 'log', reverse: true, nice: false },
  axis: { values: [100, 51.3, 21.1, 7, 3.6, 1.9, 1, 0.5, 0.3] },
} as const;

/** Mean with min/max bars over trials vs % weights remaining, one colour per series (Figures 3–5). */
export function versusDensitySpec(
  r: RunReport,
  metric: 'earlyStopAccuracy' | 'earlyStopIteration' | 'draftEarlyStopIteration' | 'finalAccuracy',
  title: string,
  yTitle: string,
): TopLevelSpec {
  const scale = metric === 'earlyStopIteration' || metric === 'draftEarlyStopIteration' ? 1 : 100;
  const values = r.series.flatMap((s) =>
    s.points
      .filter((p) => p[metric].n > 0)
      .map((p) => ({
        series: s.name,
        percent: p.percent,
        level: p.level,
        mean: p[metric].mean * scale,
        min: p[metric].min * scale,
        max: p[metric].max * scale,
        trials: p[metric].n,
      })),
  );
  return {
    ...base,
    title,
    data: { values },
    encoding: { x: percentAxis, color: { field: 'series', type: 'nominal', title: null } },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: { y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { zero: false } } },
      },
      { mark: { type: 'rule' }, encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
    ],
  } as TopLevelSpec;
}

/**
 * The trial the per-trial figures show: the lowest one with the dense level done — trial 0 of a finished run;
 * in a partial run (jobs still going) whichever trial got there first.
 */
export function shownTrial(ticket: RunReport['series'][number]): number {
  const dense = ticket.summaries.filter((s) => s.level === 0).map((s) => s.trial);
  return dense.length ? Math.min(...dense) : 0;
}

const levelOfTrial = (ticket: RunReport['series'][number], trial: number, level: number) =>
  ticket.summaries.some((s) => s.trial === trial && s.level === level);

/** Both stability distances (relative to the reference's norm; mean, min/max over trials) vs % weights remaining. */
export function stabilitySpec(points: StabilityPoint[]): TopLevelSpec {
  const values = points.flatMap((p) =>
    (
      [
        ['to dense (pruning)', p.toDenseRelative],
        ['data order', p.dataOrderRelative],
      ] as const
    )
      .filter(([, s]) => s.n > 0)
      .map(([series, s]) => ({
        series,
        percent: p.percent,
        level: p.level,
        mean: s.mean,
        min: s.min,
        max: s.max,
        trials: s.n,
      })),
  );
  return {
    ...base,
    title: 'Stability (Stabilizing the LTH): relative L2 distance on the subnetwork',
    data: { values },
    encoding: { x: percentAxis, color: { field: 'series', type: 'nominal', title: null } },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'relative L2 distance' } } },
      { mark: { type: 'rule' }, encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
    ],
  } as TopLevelSpec;
}

/** Test accuracy vs training iteration for a few levels of one trial (Figure 2 style). */
export function curvesSpec(r: RunReport, levels: number[]): TopLevelSpec {
  const ticket = r.series[0]!;
  const trial = shownTrial(ticket);
  const values = levels.flatMap((level) => {
    const p = ticket.points.find((x) => x.level === level);
    const label = `${p ? p.percent.toFixed(1) : '?'}% (level ${level})`;
    return levelMetrics(ticket.dir, trial, level)
      .filter((m) => m.name === 'test_accuracy')
      .map((m) => ({ iteration: m.iteration, accuracy: 100 * m.value, level: label }));
  });
  return {
    ...base,
    title: `Test accuracy during training (trial ${trial})`,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'training iteration' },
      y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } },
      color: { field: 'level', type: 'nominal', title: 'weights remaining', sort: null },
    },
  } as TopLevelSpec;
}

/** Histogram of the surviving initial weights of each prunable layer at the given levels (Figure 8). */
export function initHistogramSpec(r: RunReport, levels: number[], bins = 40): TopLevelSpec {
  const ticket = r.series[0]!;
  const values: Array<Record<string, unknown>> = [];
  const trial = shownTrial(ticket);
  for (const level of levels.filter((l) => levelOfTrial(ticket, trial, l))) {
    const dir = levelDir(ticket.dir, trial, level);
    const init = readSafetensors(levelFile(dir, 'init')).tensors;
    const mask = readSafetensors(levelFile(dir, 'mask')).tensors;
    const p = ticket.points.find((x) => x.level === level);
    for (const name of Object.keys(mask).sort()) {
      const w = init[name]!.data as Float32Array;
      const m = mask[name]!.data as Uint8Array;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < w.length; i++) {
        lo = Math.min(lo, w[i]!);
        hi = Math.max(hi, w[i]!);
      }
      const full = readSafetensors(levelFile(levelDir(ticket.dir, trial, 0), 'init')).tensors[name]!.data as Float32Array;
      for (let i = 0; i < full.length; i++) {
        lo = Math.min(lo, full[i]!);
        hi = Math.max(hi, full[i]!);
      }
      const width = (hi - lo) / bins || 1;
      const counts = new Array<number>(bins).fill(0);
      let alive = 0;
      for (let i = 0; i < w.length; i++) {
        if (!m[i]) continue;
        alive++;
        counts[Math.min(bins - 1, Math.floor((w[i]! - lo) / width))]!++;
      }
      counts.forEach((c, b) =>
        values.push({
          layer: name.replace(/\.weight$/, ''),
          level: `${p ? p.percent.toFixed(1) : '?'}%`,
          x0: lo + b * width,
          x1: lo + (b + 1) * width,
          fraction: alive ? c / alive : 0,
        }),
      );
    }
  }
  return {
    $schema: base.$schema,
    title: `Initial values of the surviving weights (trial ${trial})`,
    data: { values },
    mark: { type: 'bar', opacity: 0.7 },
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: 'initial weight', bin: 'binned' },
      x2: { field: 'x1' },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of surviving weights', stack: null },
      color: { field: 'level', type: 'nominal', title: 'weights remaining', sort: null },
      column: { field: 'layer', type: 'nominal', title: null },
    },
    width: 220,
    height: 180,
  } as TopLevelSpec;
}

/** Levels to show in curves/histograms: the dense level and those closest to the paper's landmarks. */
export function landmarkLevels(r: RunReport, targets = [100, 51.3, 21.1, 7.0, 3.6]): number[] {
  const pts = r.series[0]!.points;
  const picked = new Set<number>();
  for (const t of targets) {
    let best = pts[0];
    for (const p of pts) if (best && Math.abs(Math.log(p.percent / t)) < Math.abs(Math.log(best.percent / t))) best = p;
    if (best) picked.add(best.level);
  }
  return [...picked].sort((a, b) => a - b);
}
