// report.md + SVG figures for one or more runs (e.g. an IMP run and a one-shot run of the same setup).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { textTable } from '../table.js';
import { collectRun, collectStability, earlyStopCriterion, type RunReport, type Stat, type StabilityPoint } from './collect.js';
import { curvesSpec, initHistogramSpec, landmarkLevels, renderSvg, shownTrial, stabilitySpec, versusDensitySpec } from './plots.js';

export interface ReportFiles {
  dir: string;
  markdown: string;
  figures: string[];
  /** The terminal table. */
  table: string;
}

const pct = (s: Stat) => (s.n ? `${(100 * s.mean).toFixed(2)} [${(100 * s.min).toFixed(2)}, ${(100 * s.max).toFixed(2)}]` : '-');
const num = (s: Stat) => (s.n ? `${s.mean.toFixed(4)} [${s.min.toFixed(4)}, ${s.max.toFixed(4)}]` : '-');
const its = (s: Stat) => (s.n ? `${Math.round(s.mean)} [${s.min}, ${s.max}]` : '-');

/** Merge several runs into one report: series of later runs keep their names (one-shot, branches). */
export function combine(dirs: string[]): RunReport {
  const runs = dirs.map(collectRun);
  const first = runs[0]!;
  const seen = new Set<string>();
  const series = runs.flatMap((r, i) =>
    r.series.map((s) => {
      let name = s.name;
      if (seen.has(name)) name = `${name} (${i + 1})`;
      seen.add(name);
      return { ...s, name };
    }),
  );
  return { ...first, series };
}

export function levelTable(r: RunReport): string {
  const rows = r.series.flatMap((s) =>
    s.points.map((p) => [
      s.name,
      String(p.level),
      p.percent.toFixed(2),
      pct(p.earlyStopAccuracy),
      its(p.earlyStopIteration),
      pct(p.draftEarlyStopAccuracy),
      its(p.draftEarlyStopIteration),
      pct(p.finalAccuracy),
      String(p.finalAccuracy.n),
    ]),
  );
  const criterion = earlyStopCriterion(r.series.flatMap((s) => s.summaries));
  return textTable(
    [
      'series',
      'level',
      '% weights',
      'acc @ early stop % [min, max]',
      `early-stop it (${criterion}) [min, max]`,
      'acc @ draft stop % [min, max]',
      'draft early-stop it [min, max]',
      'final acc %',
      'trials',
    ],
    rows,
  );
}

/** Stability to pruning and to data order per pruned level (markdown). */
export function stabilityMarkdown(points: StabilityPoint[]): string {
  return [
    '| level | % weights | to dense ‖W − m⊙W_dense‖ | relative | data order ‖W − W′‖ | relative | trials |',
    '|---|---|---|---|---|---|---|',
    ...points.map(
      (p) =>
        `| ${p.level} | ${p.percent.toFixed(2)} | ${num(p.toDense)} | ${num(p.toDenseRelative)} | ${num(p.dataOrder)} | ${num(p.dataOrderRelative)} | ${p.toDense.n} |`,
    ),
  ].join('\n');
}

export async function writeReport(dirs: string[], outDir: string): Promise<ReportFiles> {
  const r = combine(dirs);
  mkdirSync(outDir, { recursive: true });
  const levels = landmarkLevels(r);
  const criterion = earlyStopCriterion(r.series.flatMap((s) => s.summaries));
  const figures: Array<[string, string, Promise<string>]> = [
    [
      'accuracy-vs-weights.svg',
      'Test accuracy at early stop vs % of weights remaining (mean, min/max over trials)',
      renderSvg(versusDensitySpec(r, 'earlyStopAccuracy', 'Test accuracy at early stop', 'test accuracy at early stop (%)')),
    ],
    [
      'early-stop-vs-weights.svg',
      `Early-stop iteration (${criterion}) vs % of weights remaining`,
      renderSvg(versusDensitySpec(r, 'earlyStopIteration', 'Early-stop iteration', 'early-stop iteration')),
    ],
    [
      'draft-early-stop-vs-weights.svg',
      "Early-stop iteration by the 2018 draft's rule (1000-iteration moving average of test loss settles) vs % of weights remaining",
      renderSvg(versusDensitySpec(r, 'draftEarlyStopIteration', 'Early-stop iteration (draft rule)', 'draft early-stop iteration')),
    ],
    [
      'final-accuracy-vs-weights.svg',
      'Test accuracy at the end of training vs % of weights remaining',
      renderSvg(versusDensitySpec(r, 'finalAccuracy', 'Test accuracy at the end of training', 'final test accuracy (%)')),
    ],
    [
      'accuracy-curves.svg',
      `Test accuracy during training at levels ${levels.join(', ')} (trial ${shownTrial(r.series[0]!)})`,
      renderSvg(curvesSpec(r, levels)),
    ],
    [
      'init-histograms.svg',
      `Initial values of the surviving weights per layer at levels ${levels.join(', ')}`,
      renderSvg(initHistogramSpec(r, levels)),
    ],
  ];
  const stability = collectStability(r.dir);
  if (stability.length) {
    figures.push([
      'stability-vs-weights.svg',
      'Stability to pruning and to data order (relative L2 distance on the subnetwork) vs % of weights remaining',
      renderSvg(stabilitySpec(stability)),
    ]);
  }
  const names: string[] = [];
  for (const [file, , svg] of figures) {
    writeFileSync(join(outDir, file), await svg);
    names.push(file);
  }
  const ticket = r.series[0]!;
  const layerNames = Object.keys(ticket.points[0]?.layers ?? {});
  const layerTable = [
    `| level | % weights | ${layerNames.join(' | ')} |`,
    `|---|---|${layerNames.map(() => '---').join('|')}|`,
    ...ticket.points.map(
      (p) => `| ${p.level} | ${p.percent.toFixed(2)} | ${layerNames.map((n) => (100 * (p.layers[n] ?? NaN)).toFixed(2)).join(' | ')} |`,
    ),
  ].join('\n');
  const table = levelTable(r);
  const md = [
    `# lth report — ${r.kind}_${r.hash}`,
    '',
    `Runs: ${dirs.map((d) => `\`${d}\``).join(', ')}`,
    '',
    `Hyperparameters that differ from the defaults: \`${JSON.stringify(r.nonDefault)}\``,
    '',
    `Series: ${r.series.map((s) => `**${s.name}** (${new Set(s.summaries.map((x) => x.trial)).size} trial(s))`).join(', ')}. Accuracies in %, mean [min, max] over trials; early stop = iteration of ${criterion} (ICLR 2019); draft early stop = first iteration at which the 1000-iteration moving average of test loss changed by < 0.001 for 1000 consecutive iterations (March 2018 draft; '-' where training was too short for the rule to fire).`,
    '',
    '```',
    table,
    '```',
    '',
    ...figures.flatMap(([file, caption]) => [`## ${caption}`, '', `![${caption}](${file})`, '']),
    ...(stability.length
      ? [
          '## Stability (Stabilizing the LTH)',
          '',
          "Distances over the ticket's mask m (prunable weights; biases and batch norm excluded), mean [min, max] over trials. To dense: the ticket trained in isolation vs the dense network (level 0) trained in full, masked; relative to ‖m⊙W_dense‖. Data order: two trainings of the ticket under different data orders (`lth stability` / `lth branch data-order`); relative to ‖W‖ of the run's ticket; '-' where that branch has not trained the level.",
          '',
          stabilityMarkdown(stability),
          '',
        ]
      : []),
    '## Density per layer (% of weights remaining)',
    '',
    layerTable,
    '',
  ].join('\n');
  const markdown = join(outDir, 'report.md');
  writeFileSync(markdown, md);
  return { dir: outDir, markdown, figures: names.map((n) => join(outDir, n)), table };
}
