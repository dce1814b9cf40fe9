// Slow suite (npm run test:slow): the quickstart preset on full real MNIST. Dense LeNet-300-100 reaches
// ≥ 97% test accuracy and the winning ticket keeps ≥ 97% at ~21% of the weights.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { resolveHparams } from '../../src/hparams/presets.js';
import { runLottery } from '../../src/lottery/runner.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-slow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it(
  'quickstart: ≥ 97% dense and ≥ 97% at ~21% weights left',
  async () => {
    const r = await runLottery(resolveHparams('quickstart'), { root: tmp });
    expect(r.complete).toBe(true);
    const dense = r.summaries[0]!;
    const last = r.summaries[r.summaries.length - 1]!;
    expect(dense.final.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(last.density.density).toBeCloseTo(0.2107, 3);
    expect(last.final.testAccuracy).toBeGreaterThanOrEqual(0.97);
    expect(last.earlyStop!.testAccuracy).toBeGreaterThanOrEqual(0.97);
  },
  30 * 60 * 1000,
);
