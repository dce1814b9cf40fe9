// `lth report`: the SVG figures carry the run's numbers (checked by parsing the data marks), report.md holds
// the tables, several runs (IMP + one-shot) combine into one figure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, parseHparams, prepare, runBranch, runLottery, stabilityOf, type PreparedData } from '@lth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/write.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;
let run: string;
let oneshot: string;

const h = parseHparams({
  dataset: { batchSize: 30, validationSize: 200, subset: 600 },
  model: { model: 'mlp-16' },
  training: { steps: '40it', evalEvery: 20 },
  pruning: { fcRate: 0.5, outputRate: 0.25 },
  lottery: { levels: 2, trials: 2 },
});

beforeAll(async () => {
  const ds = await loadDataset('mnist', { offline: true });
  data = prepare(ds.train, ds.test, { validationSize: 200, subset: 600, seed: 1 });
  data.test = { x: data.test.x.subarray(0, 300 * 784), y: data.test.y.subarray(0, 300), count: 300 };
  run = (await runLottery(h, { root: tmp, data })).dir;
  await runBranch(run, 'reinit', { data });
  await runBranch(run, 'data-order', { data, levels: [1] });
  oneshot = (await runLottery(h, { root: tmp, data, oneShot: true })).dir;
});

/** The data points of a vega SVG: the aria-label of every mark item, parsed into {field: value}. */
function points(svg: string, role = 'point'): Array<Record<string, string>> {
  const re = new RegExp(`<path[^>]*aria-roledescription="${role}"[^>]*aria-label="([^"]*)"`, 'g');
  const alt = new RegExp(`<path[^>]*aria-label="([^"]*)"[^>]*aria-roledescription="${role}"`, 'g');
  const labels = [...svg.matchAll(re), ...svg.matchAll(alt)].map((m) => m[1]!);
  return labels.map((l) =>
    Object.fromEntries(
      l.split('; ').map((kv) => {
        const i = kv.lastIndexOf(': ');
        return [kv.slice(0, i), kv.slice(i + 2)];
      }),
    ),
  );
}

describe('lth report', () => {
  it("plots accuracy at early stop vs % weights for the ticket and its control, with the summaries' numbers", async () => {
    const r = await writeReport([run, oneshot], join(tmp, 'report'));
    const svg = readFileSync(join(r.dir, 'accuracy-vs-weights.svg'), 'utf8');
    const pts = points(svg);
    const bySeries = (s: string) => pts.filter((p) => p.series === s);
    expect(bySeries('ticket')).toHaveLength(3); // levels 0, 1, 2
    expect(bySeries('reinit')).toHaveLength(2); // levels 1, 2
    expect(bySeries('one-shot')).toHaveLength(2); // level 0 and the one-shot level
    // Each ticket point is the mean over the two trials of the stored summaries.
    for (const level of [0, 1, 2]) {
      const accs = [0, 1].map(
        (t) => JSON.parse(readFileSync(join(run, `trial_${t}`, `level_${level}`, 'summary.json'), 'utf8')).earlyStop.testAccuracy as number,
      );
      const mean = (100 * (accs[0]! + accs[1]!)) / 2;
      const p = bySeries('ticket').find((x) => Math.abs(Number(x['% of weights remaining (log scale)']) - [100, 50.1, 25.2][level]!) < 1.5);
      expect(p, `level ${level}`).toBeDefined();
      expect(Number(p!['test accuracy at early stop (%)'])).toBeCloseTo(mean, 1);
    }
    // min/max bars: one rule per point.
    expect((svg.match(/aria-roledescription="rule mark"/g) ?? []).length).toBe(pts.length);
    for (const f of ['early-stop-vs-weights.svg', 'final-accuracy-vs-weights.svg', 'accuracy-curves.svg', 'init-histograms.svg']) {
      expect(readFileSync(join(r.dir, f), 'utf8')).toMatch(/^<svg/);
    }
    const hist = readFileSync(join(r.dir, 'init-histograms.svg'), 'utf8');
    expect((hist.match(/aria-roledescription="bar"/g) ?? []).length).toBeGreaterThan(40);
    const curves = readFileSync(join(r.dir, 'accuracy-curves.svg'), 'utf8');
    expect((curves.match(/aria-roledescription="line mark"/g) ?? []).length).toBe(3);
    const md = readFileSync(r.markdown, 'utf8');
    expect(md).toContain('![');
    expect(md).toMatch(/ticket\s+2\s+25\.\d+/);
    expect(md).toMatch(/\| 2 \| 25\.\d+ \| 25\.00 \| 56\.25 \|/); // per layer: fc1 0.5², output 0.75²
  });

  it('shows both stability distances, on the subnetwork, as a table and a plot vs % weights', async () => {
    const r = await writeReport([run], join(tmp, 'report-stability'));
    const rows = stabilityOf(run);
    expect(rows.map((x) => `${x.trial}/${x.level}`)).toEqual(['0/1', '0/2', '1/1', '1/2']);
    const pts = points(readFileSync(join(r.dir, 'stability-vs-weights.svg'), 'utf8'));
    const y = 'relative L2 distance';
    const toDense = pts.filter((p) => p.series === 'to dense (pruning)');
    const dataOrder = pts.filter((p) => p.series === 'data order');
    expect(toDense).toHaveLength(2); // levels 1 and 2
    expect(dataOrder).toHaveLength(1); // the branch trained level 1 only
    const mean = (level: number, f: (x: (typeof rows)[number]) => number) =>
      rows.filter((x) => x.level === level).reduce((a, x) => a + f(x), 0) / 2;
    expect(Number(dataOrder[0]![y])).toBeCloseTo(
      mean(1, (x) => x.dataOrder!.relative),
      3,
    );
    const l1 = toDense.find((p) => Math.abs(Number(p['% of weights remaining (log scale)']) - 50.1) < 1.5)!;
    expect(Number(l1[y])).toBeCloseTo(
      mean(1, (x) => x.toDense.relative),
      3,
    );
    const md = readFileSync(r.markdown, 'utf8');
    expect(md).toContain('## Stability (Stabilizing the LTH)');
    expect(md).toMatch(new RegExp(`\\| 2 \\| 25\\.\\d+ \\| ${mean(2, (x) => x.toDense.l2).toFixed(4)} .* \\| - \\| - \\| 2 \\|`));
  });

  it('names a directory that is not a run', async () => {
    await expect(writeReport([join(tmp, 'nope')], join(tmp, 'r2'))).rejects.toThrow(/not a run directory/);
  });
});
