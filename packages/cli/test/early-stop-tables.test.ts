// The terminal and report tables show both early-stop rules (ICLR 2019 and the 2018 draft's) and name what the
// ICLR rule minimised: validation loss, or test loss in a run without a validation set.
import type { EarlyStop, LevelSummary } from '@lth/core';
import { describe, expect, it } from 'vitest';
import { levelTable } from '../src/report/write.js';
import { summaryTable } from '../src/table.js';
import type { RunReport } from '../src/report/collect.js';
import { stat } from '../src/report/collect.js';

function summary(level: number, criterion: EarlyStop['criterion'], draft: EarlyStop | null): LevelSummary {
  const d = 0.8 ** level;
  return {
    trial: 0,
    level,
    density: { layers: { 'fc1.weight': { alive: 8 * d, total: 8, density: d } }, alive: 8 * d, total: 8, density: d },
    iterations: { start: 0, end: 5000 },
    earlyStop: { iteration: 1200, testAccuracy: 0.9712, criterion },
    draftEarlyStop: draft,
    final: { testAccuracy: 0.97, testLoss: 0.1, valAccuracy: null, valLoss: null },
    hash: 'h',
  };
}

const draft: EarlyStop = { iteration: 3300, testAccuracy: 0.9655, criterion: 'draft-moving-average' };

describe('early-stop columns', () => {
  it('the summary table shows the draft rule and names the criterion', () => {
    const withVal = summaryTable([summary(0, 'min-val-loss', draft), summary(1, 'min-val-loss', null)]);
    expect(withVal).toContain('min validation loss');
    expect(withVal).toMatch(/0\/0\s+100\.00\s+1200\s+97\.12\s+3300\s+96\.55\s+97\.00/);
    expect(withVal).toMatch(/0\/1\s+80\.00\s+1200\s+97\.12\s+-\s+-\s+97\.00/);
    const noVal = summaryTable([summary(0, 'min-test-loss', draft)]);
    expect(noVal).toContain('min test loss');
    expect(noVal).not.toContain('validation');
  });

  it('the report table shows the draft rule and names the criterion', () => {
    const ss = [summary(0, 'min-test-loss', draft)];
    const r: RunReport = {
      dir: 'd',
      kind: 'lottery',
      hash: 'h',
      nonDefault: {},
      series: [
        {
          name: 'ticket',
          dir: 'd',
          summaries: ss,
          points: [
            {
              level: 0,
              percent: 100,
              layers: {},
              earlyStopAccuracy: stat([0.9712]),
              earlyStopIteration: stat([1200]),
              draftEarlyStopAccuracy: stat([0.9655]),
              draftEarlyStopIteration: stat([3300]),
              finalAccuracy: stat([0.97]),
            },
          ],
        },
      ],
    };
    const t = levelTable(r);
    expect(t).toContain('early-stop it (min test loss)');
    expect(t).not.toContain('validation');
    expect(t).toMatch(/96\.55 \[96\.55, 96\.55\]\s+3300 \[3300, 3300\]/);
  });
});
