// Reads a run directory (and its control branches) into per-level aggregates over trials: mean, min, max.
import { existsSync } from 'node:fs';
import {
  branchDir,
  branchesIn,
  isLevelDone,
  levelDir,
  levelFile,
  levelsIn,
  readLevelSummary,
  readMetricsCsv,
  readStoreJson,
  RUN_HPARAMS_HINT,
  runHparamsFile,
  stabilityOf,
  trialDir,
  trialsIn,
  type LevelSummary,
  type MetricRow,
} from '@lth/core';

export interface Stat {
  mean: number;
  min: number;
  max: number;
  n: number;
}

export interface LevelPoint {
  level: number;
  /** % of prunable weights remaining (mean over trials; equal across trials by construction). */
  percent: number;
  earlyStopAccuracy: Stat;
  earlyStopIteration: Stat;
  /** The 2018 draft's rule (moving average of test loss settles; docs/design.md §4). */
  draftEarlyStopAccuracy: Stat;
  draftEarlyStopIteration: Stat;
  finalAccuracy: Stat;
  layers: Record<string, number>;
}

export interface Series {
  /** 'ticket' for the run itself, else the branch name (reinit, rearrange, …). */
  name: string;
  dir: string;
  points: LevelPoint[];
  summaries: LevelSummary[];
}

export interface RunReport {
  dir: string;
  kind: string;
  hash: string;
  nonDefault: unknown;
  series: Series[];
}

export function stat(xs: number[]): Stat {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { mean: NaN, min: NaN, max: NaN, n: 0 };
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v), n: v.length };
}

function summariesIn(dir: string): LevelSummary[] {
  const out: LevelSummary[] = [];
  if (!existsSync(dir)) return out;
  for (const t of trialsIn(dir)) {
    for (const l of levelsIn(trialDir(dir, t))) {
      if (isLevelDone(levelDir(dir, t, l))) out.push(readLevelSummary(levelDir(dir, t, l)));
    }
  }
  return out.sort((a, b) => a.level - b.level || a.trial - b.trial);
}

function aggregate(summaries: LevelSummary[]): LevelPoint[] {
  const levels = [...new Set(summaries.map((s) => s.level))].sort((a, b) => a - b);
  return levels.map((level) => {
    const ss = summaries.filter((s) => s.level === level);
    const layers: Record<string, number> = {};
    for (const [name, l] of Object.entries(ss[0]!.density.layers)) layers[name] = l.density;
    return {
      level,
      percent: 100 * stat(ss.map((s) => s.density.density)).mean,
      earlyStopAccuracy: stat(ss.map((s) => s.earlyStop?.testAccuracy ?? NaN)),
      earlyStopIteration: stat(ss.map((s) => s.earlyStop?.iteration ?? NaN)),
      draftEarlyStopAccuracy: stat(ss.map((s) => s.draftEarlyStop?.testAccuracy ?? NaN)),
      draftEarlyStopIteration: stat(ss.map((s) => s.draftEarlyStop?.iteration ?? NaN)),
      finalAccuracy: stat(ss.map((s) => s.final.testAccuracy)),
      layers,
    };
  });
}

/**
 * What the early stop of these summaries minimised: 'min validation loss', or 'min test loss' for runs without a
 * validation set (both when the summaries mix them).
 */
export function earlyStopCriterion(summaries: LevelSummary[]): string {
  const kinds = new Set(summaries.map((s) => s.earlyStop?.criterion).filter((c) => c !== undefined));
  const names = [...kinds].sort().map((c) => (c === 'min-test-loss' ? 'min test loss' : 'min validation loss'));
  return names.length ? names.join(' / ') : 'min validation loss';
}

export function collectRun(dir: string): RunReport {
  const metaFile = runHparamsFile(dir);
  if (!existsSync(metaFile)) throw new Error(`${dir} is not a run directory (no hparams.json)`);
  const meta = readStoreJson<{ hash: string; kind: string; nonDefault: unknown }>(metaFile, ['hash', 'kind'], RUN_HPARAMS_HINT);
  const series: Series[] = [];
  const main = summariesIn(dir);
  series.push({ name: meta.kind === 'oneshot' ? 'one-shot' : 'ticket', dir, points: aggregate(main), summaries: main });
  for (const b of branchesIn(dir)) {
    const s = summariesIn(branchDir(dir, b));
    if (s.length) series.push({ name: b, dir: branchDir(dir, b), points: aggregate(s), summaries: s });
  }
  return { dir, kind: meta.kind, hash: meta.hash, nonDefault: meta.nonDefault, series };
}

/** metrics.csv of one trial/level of a series (for accuracy-vs-iteration curves). */
export function levelMetrics(seriesDir: string, trial: number, level: number): MetricRow[] {
  const f = levelFile(levelDir(seriesDir, trial, level), 'metrics');
  return existsSync(f) ? readMetricsCsv(f) : [];
}

export interface StabilityPoint {
  level: number;
  percent: number;
  /** Stability to pruning ‖W_ticket − m ⊙ W_dense‖: raw and relative to ‖m ⊙ W_dense‖, over trials. */
  toDense: Stat;
  toDenseRelative: Stat;
  /** Stability to data order ‖W_ticket − W′_ticket‖ (n = 0 where no data-order branch trained the level). */
  dataOrder: Stat;
  dataOrderRelative: Stat;
}

/** Both stability distances of a run's pruned levels, aggregated over trials (empty for a run without level 0). */
export function collectStability(dir: string): StabilityPoint[] {
  const rows = stabilityOf(dir);
  const levels = [...new Set(rows.map((r) => r.level))].sort((a, b) => a - b);
  return levels.map((level) => {
    const rs = rows.filter((r) => r.level === level);
    return {
      level,
      percent: 100 * stat(rs.map((r) => r.density)).mean,
      toDense: stat(rs.map((r) => r.toDense.l2)),
      toDenseRelative: stat(rs.map((r) => r.toDense.relative)),
      dataOrder: stat(rs.map((r) => r.dataOrder?.l2 ?? NaN)),
      dataOrderRelative: stat(rs.map((r) => r.dataOrder?.relative ?? NaN)),
    };
  });
}
