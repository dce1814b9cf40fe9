// Early-stop criteria (docs/design.md §4).
import type { MetricRow } from '../train/metrics.js';

export interface EarlyStop {
  iteration: number;
  /** Test accuracy at that iteration. */
  testAccuracy: number;
  criterion: 'min-val-loss' | 'min-test-loss' | 'draft-moving-average';
}

function series(rows: MetricRow[], name: string): Array<[number, number]> {
  return rows
    .filter((r) => r.name === name)
    .map((r) => [r.iteration, r.value] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * ICLR 2019: the iteration of minimum validation loss (the first if tied), and the test accuracy there.
 * Without a validation set, test loss stands in (and the criterion says so).
 */
export function earlyStopMinLoss(rows: MetricRow[]): EarlyStop | null {
  let loss = series(rows, 'val_loss');
  let criterion: EarlyStop['criterion'] = 'min-val-loss';
  if (loss.length === 0) {
    loss = series(rows, 'test_loss');
    criterion = 'min-test-loss';
  }
  if (loss.length === 0) return null;
  let best = loss[0]!;
  for (const p of loss) if (p[1] < best[1]) best = p;
  const acc = series(rows, 'test_accuracy').find((p) => p[0] === best[0]);
  return { iteration: best[0], testAccuracy: acc ? acc[1] : NaN, criterion };
}

/**
 * The 2018 draft's rule: the first iteration at which the moving average of test loss over the last
 * `window` iterations changed by less than `tolerance` for `patience` consecutive iterations, with test
 * loss measured every `every` iterations (defaults: 1000, 0.001, 1000, 100).
 */
export function earlyStopDraft(rows: MetricRow[], window = 1000, tolerance = 0.001, patience = 1000): EarlyStop | null {
  const loss = series(rows, 'test_loss').filter((p) => p[0] > 0);
  if (loss.length < 2) return null;
  const every = loss[1]![0] - loss[0]![0];
  const w = Math.max(1, Math.round(window / every));
  const need = Math.max(1, Math.round(patience / every));
  let prevAvg: number | null = null;
  let calm = 0;
  for (let i = w - 1; i < loss.length; i++) {
    let s = 0;
    for (let j = i - w + 1; j <= i; j++) s += loss[j]![1];
    const avg = s / w;
    if (prevAvg !== null && Math.abs(avg - prevAvg) < tolerance) {
      calm++;
      if (calm >= need) {
        const it = loss[i]![0];
        const acc = series(rows, 'test_accuracy').find((p) => p[0] === it);
        return { iteration: it, testAccuracy: acc ? acc[1] : NaN, criterion: 'draft-moving-average' };
      }
    } else {
      calm = 0;
    }
    prevAvg = avg;
  }
  return null;
}
