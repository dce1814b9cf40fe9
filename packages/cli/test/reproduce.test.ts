// `lth reproduce xor`: runs at the quick budget (few trials here, to stay fast) and prints our DB and ZL rates
// beside every published number of the draft's Figures 9 and 10, saying the budget is reduced.
// `lth reproduce lenet-oneshot`: the one-shot curve, one stored run per target density (a tiny budget here).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, xor } from '@lth/core';
import { XOR_DRAFT_ROW_OF } from '../src/reproduce/xor.js';
import { XOR_DRAFT, xorPublishedValues } from '../src/reproduce/xor-published.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const lth = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LTH_OFFLINE: '1' } });

describe('lth reproduce xor', () => {
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  it('--budget quick prints ours (DB and ZL) beside every published number of Figures 9 and 10, and says the budget is reduced', () => {
    const r = lth(['reproduce', 'xor', '--budget', 'quick', '--trials', '4', '--iterations', '500']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/budget quick: 4 trials × 500 iterations.*REDUCED/);
    expect(r.stdout).toMatch(/hidden units\s+DB ours\s+DB draft\s+ZL ours\s+ZL draft/);
    expect(r.stdout).toContain('arXiv 1803.03635 v1');
    const ours = String.raw`\d+\.\d \(\d/4\)`;
    const values = xorPublishedValues();
    expect(values.length).toBe(34); // Figure 9: 5 sizes; Figure 10: 4 rows × 3 columns; DB and ZL each
    const cell = (row: string, units: number, m: 'DB' | 'ZL') =>
      values.find((v) => v.row === row && v.units === units && v.metric === m)!.value.toFixed(1);
    for (const v of values.filter((x) => x.metric === 'DB')) {
      const label =
        v.row === 'random' ? '' : `${xor.HEURISTIC_LABELS[XOR_DRAFT_ROW_OF[v.row].heuristic]}\\s+${XOR_DRAFT_ROW_OF[v.row].mode}\\s+`;
      const line = new RegExp(
        `\\n${label}${v.units}\\s+${ours}\\s+${escape(cell(v.row, v.units, 'DB'))}\\s+${ours}\\s+${escape(cell(v.row, v.units, 'ZL'))}\\n`,
      );
      expect(r.stdout, `${v.row} ${v.units}`).toMatch(line);
    }
  });

  it('--json gives every row with DB and ZL counts and the published cell where the draft has one', () => {
    const r = lth(['reproduce', 'xor', '--budget', 'quick', '--trials', '2', '--iterations', '300', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      settings: { trials: number; iterations: number };
      randomInit: Array<{ hidden: number; db: number; zl: number; published: { DB: number; ZL: number } | null }>;
      pruned: Array<{
        heuristic: string;
        mode: string;
        units: number;
        db: number;
        zl: number;
        published: { DB: number; ZL: number } | null;
      }>;
    };
    expect(j.settings).toMatchObject({ trials: 2, iterations: 300 });
    expect(j.randomInit.map((x) => x.hidden)).toEqual([10, 8, 6, 4, 2]);
    expect(j.randomInit.find((x) => x.hidden === 2)!.published).toEqual({ DB: 49.1, ZL: 17.6 });
    expect(j.pruned.length).toBe(3 * 2 * 3);
    expect(j.pruned.filter((x) => x.published).map((x) => `${x.heuristic}/${x.mode}/${x.units}`)).toEqual([
      'product/oneshot/10',
      'product/oneshot/4',
      'product/oneshot/2',
      'input/iterative/10',
      'input/iterative/4',
      'input/iterative/2',
      'output/iterative/10',
      'output/iterative/4',
      'output/iterative/2',
      'product/iterative/10',
      'product/iterative/4',
      'product/iterative/2',
    ]);
    expect(j.pruned.find((x) => x.heuristic === 'product' && x.mode === 'iterative' && x.units === 2)!.published).toEqual({
      DB: 91.5,
      ZL: 79.4,
    });
    for (const row of j.pruned) expect(row.zl).toBeLessThanOrEqual(row.db); // ZL implies DB
  });

  it('rejects an unknown experiment or budget', () => {
    expect(lth(['reproduce', 'mnist']).status).not.toBe(0);
    expect(lth(['reproduce', 'xor', '--budget', 'huge']).status).not.toBe(0);
    expect(lth(['reproduce', 'xor', '--trials', '0']).status).not.toBe(0);
  });

  it("the published XOR values come from one file with the draft's definitions", () => {
    expect(XOR_DRAFT.source).toMatch(/1803\.03635 v1/);
    expect(XOR_DRAFT.definitions.pruned_columns).toMatch(/BOTH/);
    expect(XOR_DRAFT.figure9_random_init_1000_trials['2']).toEqual({ DB: 49.1, ZL: 17.6 });
  });
});

describe('lth reproduce lenet-oneshot', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lth-oneshot-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  // The quick budget made smaller still: 1 trial, 3 levels, 20 iterations per training.
  const small = ['--budget', 'quick', '--trials', '1', '--levels', '3', '--steps', '20it', '--out', tmp];
  const fc1 = (file: string) => readSafetensors(file).tensors['fc1.weight']!.data;

  it('runs one one-shot run per target density of the IMP levels, each pruned once from the dense network, and resumes without retraining', () => {
    const r = lth(['reproduce', 'lenet-oneshot', ...small]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/one separate one-shot run per target density of the 3 IMP levels \(3 runs/);
    expect(r.stdout).toMatch(/budget quick: 1 trial\(s\) × 20it per level, 3 levels — REDUCED/);
    const dir = /runs: (\S+) \(level_k/.exec(r.stdout)![1]!;
    expect(dir).toMatch(/oneshot_[0-9a-f]{10}$/);
    // Rows for the dense network and each target: 100, 80.0, 64.0, 51.3 % of the weights (output layer at half the rate).
    const percents = [...r.stdout.matchAll(/^(\d+\.\d)\s+\d+\.\d\d\s+\d+\s+\d+\.\d\d\s+-$/gm)].map((m) => m[1]);
    expect(percents).toEqual(['100.0', '80.0', '64.1', '51.3']);
    expect(r.stdout).toMatch(/iterative vs one-shot at the smallest size\s+.*no IMP run of this budget/);

    // Each level_k is its own finished run: its mask keeps the largest 0.8^k of fc1's dense final weights.
    const dense = fc1(join(dir, 'trial_0', 'level_0', 'final.safetensors')) as Float32Array;
    for (const k of [1, 2, 3]) {
      const ldir = join(dir, 'trial_0', `level_${k}`);
      expect(existsSync(join(ldir, 'summary.json')), `level ${k} done`).toBe(true);
      const mask = fc1(join(ldir, 'mask.safetensors')) as Uint8Array;
      let kept = 0;
      let minKept = Infinity;
      let maxPruned = 0;
      for (let i = 0; i < mask.length; i++) {
        if (mask[i]) {
          kept++;
          minKept = Math.min(minKept, Math.abs(dense[i]!));
        } else maxPruned = Math.max(maxPruned, Math.abs(dense[i]!));
      }
      expect(kept, `level ${k}: fc1 keeps round(0.8^${k} · 235200)`).toBe(235200 - Math.round((1 - 0.8 ** k) * 235200));
      expect(minKept, `level ${k}: pruned once from the dense network's final weights`).toBeGreaterThanOrEqual(maxPruned);
    }

    // `lth status` sees every one-shot run of the store entry, not only the last one's level.
    const status = lth(['status', dir]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/4 done, 0 running, 0 failed, 0 pending/);

    // A re-run trains nothing (every run is stored) and prints the same curve.
    const stamp = () => [0, 1, 2, 3].map((k) => statSync(join(dir, 'trial_0', `level_${k}`, 'summary.json')).mtimeMs);
    const before = stamp();
    const again = lth(['reproduce', 'lenet-oneshot', ...small]);
    expect(again.status, again.stderr).toBe(0);
    expect(stamp()).toEqual(before);
    const table = (s: string) => s.slice(s.indexOf('\nruns: '));
    expect(table(again.stdout)).toBe(table(r.stdout));
  });

  it('prints the IMP run of the same budget beside the one-shot curve once the store has it', () => {
    const imp = lth(['reproduce', 'lenet', ...small]);
    expect(imp.status, imp.stderr).toBe(0);
    const r = lth(['reproduce', 'lenet-oneshot', ...small, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      dir: string;
      series: Array<{ name: string; points: Array<{ level: number }> }>;
      imp: { dir: string; series: Array<{ name: string; points: Array<{ level: number }> }> } | null;
    };
    expect(j.series[0]!.points.map((p) => p.level)).toEqual([0, 1, 2, 3]);
    expect(j.imp?.dir).toMatch(/lottery_[0-9a-f]{10}$/);
    expect(j.imp!.series[0]!.points.map((p) => p.level)).toEqual([0, 1, 2, 3]);
    // References: the dense level and the first pruned level (one prune by the level-1 rates from the dense network)
    // are the same computation in IMP and one-shot, so the same bytes; from level 2 on IMP prunes retrained weights.
    const file = (d: string, k: number, f: string) => readFileSync(join(d, 'trial_0', `level_${k}`, f));
    for (const k of [0, 1])
      expect(file(j.dir, k, 'final.safetensors').equals(file(j.imp!.dir, k, 'final.safetensors')), `level ${k}`).toBe(true);
    expect(file(j.dir, 2, 'mask.safetensors').equals(file(j.imp!.dir, 2, 'mask.safetensors'))).toBe(false);
    const text = lth(['reproduce', 'lenet-oneshot', ...small]);
    expect(text.stdout).toMatch(/IMP run of the same budget: \S+lottery_[0-9a-f]{10}/);
    expect(text.stdout).toMatch(/^51\.3\s+\d+\.\d\d\s+\d+\s+\d+\.\d\d\s+\d+\.\d\d$/m);
    expect(text.stdout).toMatch(/iterative vs one-shot at the smallest size\s+.*IMP \d+\.\d\d% vs one-shot \d+\.\d\d% at 51\.3%/);
  });
});
