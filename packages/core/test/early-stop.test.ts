import { describe, expect, it } from 'vitest';
import { earlyStopDraft, earlyStopMinLoss } from '../src/lottery/early-stop.js';
import type { MetricRow } from '../src/train/metrics.js';

const rows = (name: string, pts: Array<[number, number]>): MetricRow[] => pts.map(([iteration, value]) => ({ name, iteration, value }));

describe('early stopping', () => {
  it('min validation loss (first of ties) with test accuracy at that iteration', () => {
    const r = [
      ...rows('val_loss', [
        [0, 2],
        [100, 0.5],
        [200, 0.3],
        [300, 0.3],
        [400, 0.4],
      ]),
      ...rows('test_accuracy', [
        [0, 0.1],
        [100, 0.8],
        [200, 0.9],
        [300, 0.91],
        [400, 0.92],
      ]),
    ];
    expect(earlyStopMinLoss(r)).toEqual({ iteration: 200, testAccuracy: 0.9, criterion: 'min-val-loss' });
  });

  it('falls back to test loss without a validation set and says so', () => {
    const r = [
      ...rows('test_loss', [
        [0, 1],
        [100, 0.2],
        [200, 0.4],
      ]),
      ...rows('test_accuracy', [[100, 0.95]]),
    ];
    expect(earlyStopMinLoss(r)).toMatchObject({ iteration: 100, criterion: 'min-test-loss', testAccuracy: 0.95 });
    expect(earlyStopMinLoss([])).toBeNull();
  });

  it("the draft's moving-average rule fires after 1000 calm iterations", () => {
    // Loss falls until 1900, then is flat at 0.05 from 2000: the 1000-it moving average is constant from the
    // window ending at 2900 on, and after 1000 calm iterations (changes at 3000 … 3900) the rule fires.
    const pts: Array<[number, number]> = [];
    for (let it = 100; it <= 8000; it += 100) pts.push([it, it < 2000 ? 2 - it / 1000 : 0.05]);
    const r = [
      ...rows('test_loss', pts),
      ...rows(
        'test_accuracy',
        pts.map(([i]) => [i, i / 10000]),
      ),
    ];
    const s = earlyStopDraft(r)!;
    expect(s.criterion).toBe('draft-moving-average');
    expect(s.iteration).toBe(3900);
    expect(s.testAccuracy).toBeCloseTo(0.39);
    expect(
      earlyStopDraft(
        rows(
          'test_loss',
          pts.map(([i]) => [i, 10 - i / 1000]),
        ),
      ),
    ).toBeNull();
  });
});
