// `lth reproduce xor`: runs at the quick budget (few trials here, to stay fast) and prints our DB and ZL rates
// beside every published number of the draft's Figures 9 and 10, saying the budget is reduced.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xor } from '@lth/core';
import { XOR_DRAFT_ROW_OF } from '../src/reproduce/xor.js';
import { XOR_DRAFT, xorPublishedValues } from '../src/reproduce/xor-published.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const lth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LTH_OFFLINE: '1' } });

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
    const cell = (row: string, units: number, m: 'DB' | 'ZL') => values.find((v) => v.row === row && v.units === units && v.metric === m)!.value.toFixed(1);
    for (const v of values.filter((x) => x.metric === 'DB')) {
      const label = v.row === 'random' ? '' : `${xor.HEURISTIC_LABELS[XOR_DRAFT_ROW_OF[v.row].heuristic]}\\s+${XOR_DRAFT_ROW_OF[v.row].mode}\\s+`;
      const line = new RegExp(`\\n${label}${v.units}\\s+${ours}\\s+${escape(cell(v.row, v.units, 'DB'))}\\s+${ours}\\s+${escape(cell(v.row, v.units, 'ZL'))}\\n`);
      expect(r.stdout, `${v.row} ${v.units}`).toMatch(line);
    }
  });

  it('--json gives every row with DB and ZL counts and the published cell where the draft has one', () => {
    const r = lth(['reproduce', 'xor', '--budget', 'quick', '--trials', '2', '--iterations', '300', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      settings: { trials: number; iterations: number };
      randomInit: Array<{ hidden: number; db: number; zl: number; published: { DB: number; ZL: number } | null }>;
      pruned: Array<{ heuristic: string; mode: string; units: number; db: number; zl: number; published: { DB: number; ZL: number } | null }>;
    };
    expect(j.settings).toMatchObject({ trials: 2, iterations: 300 });
    expect(j.randomInit.map((x) => x.hidden)).toEqual([10, 8, 6, 4, 2]);
    expect(j.randomInit.find((x) => x.hidden === 2)!.published).toEqual({ DB: 49.1, ZL: 17.6 });
    expect(j.pruned.length).toBe(3 * 2 * 3);
    expect(j.pruned.filter((x) => x.published).map((x) => `${x.heuristic}/${x.mode}/${x.units}`)).toEqual([
      'product/oneshot/10', 'product/oneshot/4', 'product/oneshot/2', 'input/iterative/10', 'input/iterative/4', 'input/iterative/2',
      'output/iterative/10', 'output/iterative/4', 'output/iterative/2', 'product/iterative/10', 'product/iterative/4', 'product/iterative/2',
    ]);
    expect(j.pruned.find((x) => x.heuristic === 'product' && x.mode === 'iterative' && x.units === 2)!.published).toEqual({ DB: 91.5, ZL: 79.4 });
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
