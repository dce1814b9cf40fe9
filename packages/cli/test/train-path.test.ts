// --train-path (issue 15): which kernels the fully connected layers train on, printed per level; not part of the
// run's hash; auto reads the crossover file (a damaged one is a clear error); batched trials under auto print
// masked-dense and train; sparse with --batch-trials is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lthBin, tinyFlags } from './support/lth.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-train-path-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `lth args` in a fresh directory, the generic SIMD path (a known platform key), crossovers from `table`. */
function lth(name: string, args: string[], table: string | null = null) {
  const cwd = join(tmp, name);
  const crossovers = join(tmp, `${name}.json`);
  if (table !== null) writeFileSync(crossovers, table);
  const env = { ...process.env, LTH_OFFLINE: '1', LTH_SIMD: 'generic', LTH_SPARSE_CROSSOVERS: crossovers };
  spawnSync('mkdir', ['-p', cwd]);
  const r = spawnSync(process.execPath, [lthBin, ...args], { cwd, encoding: 'utf8', env });
  return { ...r, runs: () => readdirSync(join(cwd, 'lth-runs')) };
}

describe('lth lottery --train-path', () => {
  it('prints the path of every fc layer at each level; the run directory (hash) does not depend on it', () => {
    const dense = lth('dense', ['lottery', ...tinyFlags, '--train-path', 'dense']);
    expect(dense.status, dense.stderr).toBe(0);
    expect(dense.stderr).toContain('train path: dense (forced) for every fully connected layer');
    expect(dense.stderr).toMatch(/level 2: .*\n {2}fc1 dense \(forced \(--train-path dense\)\), fc2 dense/);
    const sparse = lth('sparse', ['lottery', ...tinyFlags, '--train-path', 'sparse']);
    expect(sparse.status, sparse.stderr).toBe(0);
    expect(sparse.stderr.match(/ {2}fc1 sparse \(forced \(--train-path sparse\)\), fc2 sparse/g)).toHaveLength(3);
    expect(sparse.runs()).toEqual(dense.runs());
    const summary = JSON.parse(
      readFileSync(join(tmp, 'sparse', 'lth-runs', sparse.runs()[0]!, 'trial_0', 'level_2', 'summary.json'), 'utf8'),
    ) as { trainPaths: unknown };
    expect(summary.trainPaths).toEqual({ fc1: 'sparse', fc2: 'sparse' });
  });

  it('auto: sparse below the crossover of the file, masked-dense above; says where the crossovers come from', () => {
    const table = JSON.stringify({ version: 1, measuredOn: 'test', batchSize: 30, crossovers: { 'cpu/generic': { default: 0.7 } } });
    const r = lth('auto', ['lottery', ...tinyFlags], table);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`train path: auto, crossovers from ${join(tmp, 'auto.json')}`);
    // mlp-32: fc1 (fc rate 20%) is at 64% at level 2; fc2 (the output layer, 10%) at 81%.
    expect(r.stderr).toMatch(/level 1: .*\n {2}fc1 dense \(density 80\.0% ≥ crossover 70\.0% \(cpu\/generic\)\)/);
    expect(r.stderr).toMatch(/level 2: .*\n {2}fc1 sparse \(density 64\.0% < crossover 70\.0% \(cpu\/generic\)\), fc2 dense/);
  });

  it('a damaged crossover file is a clear error naming it; nothing is trained', () => {
    const r = lth('corrupt', ['lottery', ...tinyFlags], '{"version": 1, "crosso');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(tmp, 'corrupt.json'));
    expect(r.stderr).toMatch(/not a readable JSON crossover table.*\[ERR_CROSSOVER\]/);
  });

  it('batched trials train masked-dense under auto and say so; forcing sparse with them is refused', () => {
    const table = JSON.stringify({ version: 1, measuredOn: 'test', batchSize: 30, crossovers: { 'cpu/generic': { default: 1 } } });
    const r = lth('batched', ['lottery', ...tinyFlags, '--trials', '2', '--batch-trials'], table);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fc1 dense \(batched trials train masked-dense \(no batched sparse kernels\)\)/);
    const s = lth('batched-sparse', ['lottery', ...tinyFlags, '--trials', '2', '--batch-trials', '--train-path', 'sparse']);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/--train-path sparse cannot be used with --batch-trials.*\[ERR_TRAIN_PATH\]/);
  });

  it('lth bench calibrate-sparse refuses a SIMD path this CPU lacks', () => {
    const r = lth('calibrate', ['bench', 'calibrate-sparse', '--simd', 'neon', '--out', join(tmp, 'never.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--simd: this CPU has no neon path/);
  });
});
