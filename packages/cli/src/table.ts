// Plain-text tables for the terminal.
import type { LevelSummary, StabilityRow } from '@lth/core';
import { earlyStopCriterion } from './report/collect.js';

/** Columns before `leftColumns` are left-aligned (labels), the rest right-aligned (numbers). */
export function textTable(head: string[], rows: string[][], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(2)}`);

/**
 * One row per (trial, level): density, early stop (ICLR 2019: min validation loss, or min test loss in a run
 * without a validation set) and the draft's moving-average early stop, each with its iteration and test
 * accuracy, final accuracy.
 */
export function summaryTable(summaries: LevelSummary[]): string {
  const rows = summaries.map((s) => [
    `${s.trial}/${s.level}`,
    pct(s.density.density),
    String(s.earlyStop?.iteration ?? '-'),
    pct(s.earlyStop?.testAccuracy),
    String(s.draftEarlyStop?.iteration ?? '-'),
    pct(s.draftEarlyStop?.testAccuracy),
    pct(s.final.testAccuracy),
  ]);
  const criterion = earlyStopCriterion(summaries);
  return textTable(
    [
      'trial/level',
      '% weights',
      `early-stop it (${criterion})`,
      'acc @ early stop %',
      'draft early-stop it',
      'acc @ draft stop %',
      'final acc %',
    ],
    rows,
  );
}

const dist = (l2: number | undefined, rel: number | undefined) =>
  l2 === undefined || rel === undefined ? '-' : `${l2.toFixed(4)} (${(100 * rel).toFixed(2)}%)`;

/** One row per (trial, level): both stability distances, raw and relative to the reference's norm. */
export function stabilityTable(rows: StabilityRow[]): string {
  return textTable(
    ['trial/level', '% weights', 'to dense ‖W − m⊙W_dense‖ (rel.)', 'data order ‖W − W′‖ (rel.)'],
    rows.map((r) => [
      `${r.trial}/${r.level}`,
      pct(r.density),
      dist(r.toDense.l2, r.toDense.relative),
      dist(r.dataOrder?.l2, r.dataOrder?.relative),
    ]),
  );
}
