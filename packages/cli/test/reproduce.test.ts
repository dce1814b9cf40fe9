// `lth reproduce xor`: runs at the quick budget (few trials here, to stay fast) and prints our success rates
// beside the published ones, saying the budget is reduced.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_XOR } from '../src/reproduce/published.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const lth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LTH_OFFLINE: '1' } });

describe('lth reproduce xor', () => {
  it('--budget quick prints ours beside the published numbers and says the budget is reduced', () => {
    const r = lth(['reproduce', 'xor', '--budget', 'quick', '--trials', '4']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/budget quick: 4 trials × 2000 iterations.*REDUCED/);
    expect(r.stdout).toMatch(/hidden units\s+ours\s+published/);
    expect(r.stdout).toMatch(/\n2\s+\d+\.\d% \(\d\/4\)\s+49\.1% of 1000/);
    expect(r.stdout).toMatch(/magnitude product\s+iterative\s+2\s+\d+\.\d% \(\d\/4\)\s+91\.5%/);
    expect(r.stdout).toMatch(/input magnitude\s+oneshot\s+8\s+\S+ \(\d\/4\)\s+not recorded/);
    expect(r.stdout).toContain('arXiv 1803.03635 v1');
  }, 60_000);

  it('--json gives the same rows, with the published value where recorded', () => {
    const r = lth(['reproduce', 'xor', '--budget', 'quick', '--trials', '2', '--iterations', '300', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      settings: { trials: number; iterations: number };
      randomInit: Array<{ hidden: number; successes: number; published: { rate: number } | null }>;
      pruned: Array<{ heuristic: string; mode: string; units: number; published: { rate: number } | null }>;
    };
    expect(j.settings).toMatchObject({ trials: 2, iterations: 300 });
    expect(j.randomInit.map((x) => x.hidden)).toEqual([10, 8, 6, 4, 2]);
    expect(j.randomInit.find((x) => x.hidden === 2)!.published!.rate).toBe(0.491);
    expect(j.pruned.length).toBe(24);
    expect(j.pruned.filter((x) => x.published).map((x) => `${x.heuristic}/${x.mode}/${x.units}`)).toEqual(['product/iterative/2']);
  }, 60_000);

  it('rejects an unknown experiment or budget', () => {
    expect(lth(['reproduce', 'mnist']).status).not.toBe(0);
    expect(lth(['reproduce', 'xor', '--budget', 'huge']).status).not.toBe(0);
    expect(lth(['reproduce', 'xor', '--trials', '0']).status).not.toBe(0);
  }, 30_000);

  it('the published data records its source and only the numbers we know', () => {
    expect(PUBLISHED_XOR.source.version).toMatch(/1803\.03635 v1/);
    expect(Object.keys(PUBLISHED_XOR.randomInit)).toEqual(['2']);
    expect(Object.keys(PUBLISHED_XOR.pruned)).toEqual(['product/iterative/2']);
  });
});
