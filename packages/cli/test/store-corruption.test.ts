// Damaged run directories through the real `lth` binary: each case copies one tiny finished run (3 levels),
// damages one file, then runs `lth lottery` (resume), `lth report` and `lth export`, each on its own damaged copy.
// Each command has one documented outcome (packages/core/README.md, "Damaged store files"): exit 1 with one
// `lth: <file>: … [ERR_STORE]` line plus the hint, or success without reading the file / having recomputed it —
// never a stack trace, never a result built on the damaged file.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  statSync,
  unlinkSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLth, tinyFlags } from './support/lth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'lth-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = [...tinyFlags, '--quiet'];

function lth(args: string[]) {
  return runLth(args, tmp);
}
const runIn = (root: string) =>
  join(
    root,
    readdirSync(root).find((n) => n.startsWith('lottery_'))!,
  );

/** A failed command's stderr: `lth: <path>: … [ERR_STORE]` on one line, then the store hint; no stack trace. */
function expectStoreError(r: ReturnType<typeof lth>, path: string): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]!.startsWith(`lth: ${path}: `), lines[0]).toBe(true);
  expect(lines[0]).toMatch(/ \[ERR_STORE\]$/);
  expect(lines[1]).toMatch(/^hint: a run-directory file is damaged or missing/);
  expect(r.stderr).not.toMatch(/\n\s+at |TypeError|SyntaxError/);
}

let base = '';
let baseRun = '';
beforeAll(() => {
  base = join(tmp, 'base');
  const r = lth(['lottery', ...tiny, '--out', base]);
  expect(r.status, r.stderr).toBe(0);
  baseRun = runIn(base);
});

let n = 0;
/** A fresh copy of the finished run: [root, run dir]. */
function copy(): [string, string] {
  const root = join(tmp, `case${n++}`);
  cpSync(base, root, { recursive: true });
  return [root, runIn(root)];
}
const summary = (run: string, level: number) => readFileSync(join(run, 'trial_0', `level_${level}`, 'summary.json'), 'utf8');

/**
 * What each command does with the damage (packages/core/README.md, "Damaged store files"): 'fail' is ERR_STORE
 * naming the file; 'ok' means it does not read the file (lottery: finished levels are skipped, their summaries
 * stay byte-identical), or for the run's hparams.json, that `lth lottery` rewrites it from its flags.
 */
type Outcome = 'fail' | 'ok';
type Damage = { name: string; file: string; damage: (path: string) => void; lottery: Outcome; report: Outcome; export: Outcome };
const truncateHalf = (p: string) => truncateSync(p, Math.floor(statSync(p).size / 2));
/** Overwrite bytes of the safetensors JSON header (it starts at byte 8, after its u64 length). */
const editHeader = (text: string) => (p: string) => {
  const b = readFileSync(p);
  b.write(text, 8);
  writeFileSync(p, b);
};
const cases: Damage[] = [
  {
    name: 'truncated final tensors',
    file: 'trial_0/level_1/final.safetensors',
    damage: truncateHalf,
    lottery: 'ok',
    report: 'fail',
    export: 'fail',
  },
  {
    name: 'broken JSON header in the mask',
    file: 'trial_0/level_1/mask.safetensors',
    damage: editHeader('!!!'),
    lottery: 'ok',
    report: 'fail',
    export: 'fail',
  },
  {
    name: 'a mask whose tensor was renamed',
    file: 'trial_0/level_1/mask.safetensors',
    damage: editHeader('{"x'),
    lottery: 'ok',
    report: 'fail',
    export: 'fail',
  },
  { name: 'deleted mask', file: 'trial_0/level_1/mask.safetensors', damage: unlinkSync, lottery: 'ok', report: 'fail', export: 'fail' },
  {
    name: 'broken summary.json',
    file: 'trial_0/level_1/summary.json',
    damage: (p) => writeFileSync(p, '{"trial": 0, "lev'),
    lottery: 'fail',
    report: 'fail',
    export: 'ok',
  },
  {
    name: 'summary.json with wrong fields',
    file: 'trial_0/level_0/summary.json',
    damage: (p) => writeFileSync(p, '{"trial":0,"level":0,"density":1,"iterations":{},"final":{},"hash":"x"}'),
    lottery: 'fail',
    report: 'fail',
    export: 'ok',
  },
  {
    name: 'broken run hparams.json',
    file: 'hparams.json',
    damage: (p) => writeFileSync(p, 'not\njson'),
    lottery: 'ok',
    report: 'fail',
    export: 'fail',
  },
  {
    name: 'metrics.csv with a garbage line',
    file: 'trial_0/level_0/metrics.csv',
    damage: (p) => appendFileSync(p, 'test_loss,garbage\n'),
    lottery: 'ok',
    report: 'fail',
    export: 'ok',
  },
];

describe('damaged store files', () => {
  for (const c of cases) {
    it(`${c.name}: lottery ${c.lottery}, report ${c.report}, export ${c.export}`, () => {
      const original = readFileSync(join(baseRun, c.file));
      const summaries = [0, 1, 2].map((l) => summary(baseRun, l));
      // Each command on its own damaged copy: one command's repair must not hide the damage from the next.
      const damaged = (): [string, string] => {
        const [root, run] = copy();
        c.damage(join(run, c.file));
        return [root, run];
      };
      {
        const [root, run] = damaged();
        const r = lth(['lottery', ...tiny, '--out', root]);
        if (c.lottery === 'fail') expectStoreError(r, join(run, c.file));
        else {
          expect(r.status, r.stderr).toBe(0);
          expect([0, 1, 2].map((l) => summary(run, l))).toEqual(summaries);
          if (c.file === 'hparams.json') expect(readFileSync(join(run, c.file)).equals(original)).toBe(true);
        }
      }
      {
        const [root, run] = damaged();
        const r = lth(['report', run, '--out', join(root, 'report')]);
        if (c.report === 'fail') expectStoreError(r, join(run, c.file));
        else expect(r.status, r.stderr).toBe(0);
      }
      {
        const [root, run] = damaged();
        const r = lth(['export', run, '--level', '1', '-o', join(root, 't.onnx')]);
        if (c.export === 'fail') expectStoreError(r, join(run, c.file));
        else expect(r.status, r.stderr).toBe(0);
      }
    });
  }

  it("resuming an unfinished level reads the previous level's mask and final: damaged, ERR_STORE naming it", () => {
    for (const [file, damage] of [
      ['mask.safetensors', unlinkSync],
      ['final.safetensors', truncateHalf],
    ] as const) {
      const [root, run] = copy();
      rmSync(join(run, 'trial_0', 'level_2'), { recursive: true }); // level 2 unfinished: it prunes level 1's weights
      damage(join(run, 'trial_0', 'level_1', file));
      expectStoreError(lth(['lottery', ...tiny, '--out', root]), join(run, 'trial_0', 'level_1', file));
    }
  });

  it('lth status: a broken run hparams.json or slurm/jobs.json is ERR_STORE naming it', () => {
    const [, run] = copy();
    const ok = lth(['status', run]);
    expect(ok.status, ok.stderr).toBe(0);
    mkdirSync(join(run, 'slurm'));
    writeFileSync(join(run, 'slurm', 'jobs.json'), '[{"name": "lottery", "jobId"');
    expectStoreError(lth(['status', run]), join(run, 'slurm', 'jobs.json'));
    writeFileSync(join(run, 'slurm', 'jobs.json'), '{}');
    expectStoreError(lth(['status', run]), join(run, 'slurm', 'jobs.json'));
    writeFileSync(join(run, 'hparams.json'), '{"hparams": {');
    expectStoreError(lth(['status', run]), join(run, 'hparams.json'));
  });

  it('a deleted summary.json, or one beside a truncated checkpoint, is recomputed to the same result', () => {
    for (const withCheckpoint of [false, true]) {
      const [root, run] = copy();
      const ldir = join(run, 'trial_0', 'level_1');
      const original = summary(run, 1);
      unlinkSync(join(ldir, 'summary.json'));
      if (withCheckpoint) {
        const good = readFileSync(join(ldir, 'final.safetensors'));
        writeFileSync(join(ldir, 'checkpoint.safetensors'), good.subarray(0, good.length >> 1));
        writeFileSync(join(ldir, 'checkpoint.json'), '{"iteration": 40, "step": 40, "accum"');
      }
      const r = lth(['lottery', ...tiny, '--out', root]);
      expect(r.status, r.stderr).toBe(0);
      expect(summary(run, 1)).toBe(original);
      expect(readdirSync(ldir)).not.toContain('checkpoint.json');
    }
  });
});
