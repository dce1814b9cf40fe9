// `lth reproduce resnet20-rewind` end to end on generated CIFAR-10 batch files, with a tiny budget override
// (a few iterations of batch 16 on 64 examples): the table has the rewinding and reset-to-0 series and the
// reinit control beside the published column, the store holds both runs, and missing data is a clear error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_STABILIZING } from '../src/reproduce/published.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'lth-resnet-'));
const dataDir = join(tmp, 'data');
const env = { ...process.env, LTH_OFFLINE: '1', LTH_CACHE_DIR: join(tmp, 'empty-cache'), LTH_DATA_DIR: join(tmp, 'no-such-dir') };
const lth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: tmp });
const tiny = [
  '--budget',
  'quick',
  '--steps',
  '2it',
  '--rewind',
  '1it',
  '--levels',
  '1',
  '--subset',
  '64',
  '--test-subset',
  '32',
  '--batch-size',
  '16',
];

beforeAll(() => {
  // The reader insists on whole 10,000-record batches; the pixels are a label-dependent colour plus a pattern.
  const dir = join(dataDir, 'cifar10', 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  const files = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  files.forEach((f, i) => {
    const b = new Uint8Array(10000 * 3073);
    for (let r = 0; r < 10000; r++) {
      const label = (r * 7 + i) % 10;
      b[r * 3073] = label;
      b.fill(label * 25, r * 3073 + 1, r * 3073 + 1 + 1024);
      b.fill((r * 13) & 255, r * 3073 + 1 + 1024, (r + 1) * 3073);
    }
    writeFileSync(join(dir, f), b);
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row {
  level: number;
  percent: number;
  rewind: { mean: number };
  reset: { mean: number } | null;
  reinit: { mean: number } | null;
  published: null;
}

describe('lth reproduce resnet20-rewind', () => {
  it('prints the plan with a measured estimate, then rewind, reset and reinit beside the published column', () => {
    const r = lth(['reproduce', 'resnet20-rewind', ...tiny, '--data-dir', dataDir, '--out', join(tmp, 'runs')]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('arXiv 1903.01611 v3');
    expect(out).toMatch(
      /budget quick: 1 trial\(s\) × 2 iterations per level \(2it of 64 training examples, batch 16\), 1 levels, test set 32 examples — REDUCED/,
    );
    expect(out).toMatch(/rewind to iteration 1 \(50\.00% of training; the preset: 500 of 56160 = 0\.89%\)/);
    expect(out).toMatch(/estimated time here: .* 5 level trainings, 8 iterations at [\d.]+ m?s\/step \(measured now, batch 16/);
    expect(out).toMatch(/% weights\s+rewind \(it 1\) acc %\s+reset \(it 0\) acc %\s+reinit acc %\s+published/);
    expect(out).toMatch(/\n100\.0\s+\d+\.\d\d\s+\d+\.\d\d\s+\(dense\)\s+not recorded/);
    expect(out).toMatch(/\n80\.0\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d\s+not recorded/);
    expect(out).toContain(PUBLISHED_STABILIZING.claims.resetFails);
    expect(out).toMatch(/rewind vs reset\s+where IMP fails at iteration 0.*rewind ≥ reset at [01] of 1 pruned levels/);
    // The plan comes before the tables: it is printed when the run starts.
    expect(out.indexOf('estimated time here')).toBeLessThan(out.indexOf('% weights'));
  });

  it('--json: a re-run reuses both finished runs; the two dense networks are the same training', () => {
    const before = Date.now();
    const r = lth(['reproduce', 'resnet20-rewind', ...tiny, '--data-dir', dataDir, '--out', join(tmp, 'runs'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      settings: { rewind: number; iterations: number };
      runs: { rewind: string; reset: string };
      rows: Row[];
    };
    expect(j.settings).toMatchObject({ rewind: 1, iterations: 2 });
    expect(j.runs.rewind).not.toBe(j.runs.reset);
    for (const dir of [j.runs.rewind, j.runs.reset]) {
      // Written by the first test's run, not rewritten by this one.
      expect(statSync(join(dir, 'trial_0', 'level_1', 'summary.json')).mtimeMs).toBeLessThan(before);
    }
    expect(existsSync(join(j.runs.rewind, 'trial_0', 'rewind.safetensors'))).toBe(true);
    expect(existsSync(join(j.runs.rewind, 'branch_reinit', 'trial_0', 'level_1', 'summary.json'))).toBe(true);
    expect(j.rows.map((x) => x.level)).toEqual([0, 1]);
    expect(j.rows[1]!.reset).not.toBeNull();
    expect(j.rows[1]!.reinit).not.toBeNull();
    expect(j.rows.every((x) => x.published === null)).toBe(true);
    // Same initialisation and data order: only the reset point differs between the runs, not the dense level.
    expect(j.rows[0]!.rewind.mean).toBe(j.rows[0]!.reset!.mean);
    expect(r.stderr).toMatch(/estimated time here/); // with --json the plan goes to stderr
  });

  it('without CIFAR-10 offline: fails naming the files, where they go and how to get them', () => {
    const r = lth(['reproduce', 'resnet20-rewind', '--budget', 'quick', '--out', join(tmp, 'nodata')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cifar10 not found \(offline\)\. Put cifar-10-binary\.tar\.gz .* in .*empty-cache.*--data-dir/s);
    expect(r.stderr).toMatch(
      /lth data fetch cifar10.* on a machine with network access .*https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/,
    );
    expect(existsSync(join(tmp, 'nodata'))).toBe(false);
  });

  it('rejects a rewind point at 0 or past the end, and resnet-only flags elsewhere', () => {
    const withRewind = (at: string) =>
      lth([
        'reproduce',
        'resnet20-rewind',
        ...tiny.filter((x, i, a) => x !== '--rewind' && a[i - 1] !== '--rewind'),
        '--rewind',
        at,
        '--data-dir',
        dataDir,
        '--out',
        join(tmp, 'bad'),
      ]);
    const at0 = withRewind('0it');
    expect(at0.status).toBe(1);
    expect(at0.stderr).toMatch(/--rewind must be after iteration 0/);
    expect(withRewind('2it').stderr).toMatch(/--rewind 2 iterations must be before the end of training \(2 iterations\)/);
    expect(lth(['reproduce', 'lenet', '--rewind', '5it']).stderr).toMatch(/--rewind is for resnet20-rewind only/);
    expect(lth(['reproduce', 'resnet20-rewind', '--subset', '-1']).status).not.toBe(0);
  });

  it('the published data records its source and no ResNet-20 number', () => {
    expect(PUBLISHED_STABILIZING.source.version).toMatch(/1903\.01611 v3/);
    expect(PUBLISHED_STABILIZING.rewindThrough).toEqual([0.001, 0.07]);
    expect(Object.values(PUBLISHED_STABILIZING.resnet20).every((v) => v === null)).toBe(true);
  });
});
