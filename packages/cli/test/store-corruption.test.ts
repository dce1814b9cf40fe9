// Damaged run directories through the real `lth` binary: each case copies one tiny finished run, damages one
// file, then runs `lth lottery` (resume), `lth report` and `lth export`. Every command must either succeed
// having recomputed what was damaged, or exit non-zero with one `lth: <file>: …` line (plus a hint) — never a
// stack trace, never a result built on the damaged file.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, statSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'lth.js');
const tmp = mkdtempSync(join(tmpdir(), 'lth-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = ['--model', 'mlp-32', '--subset', '1200', '--validation-size', '300', '--batch-size', '30', '--steps', '80it', '--eval-every', '20', '--levels', '2', '--quiet', '--threads', '1'];
const TIMEOUT = { timeout: 20 * 60_000 };

function lth(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, LTH_OFFLINE: '1' } });
}
const runIn = (root: string) => join(root, readdirSync(root).find((n) => n.startsWith('lottery_'))!);

/** A failed command's stderr: one `lth:` line naming `file`, an optional hint line, nothing else. */
function expectCleanFailure(r: ReturnType<typeof lth>, file: string): void {
  expect(r.status, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'));
  expect(lines[0]).toMatch(/^lth: /);
  expect(lines[0]).toContain(file);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
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

/** 'either': the command may not read that file; it must then succeed or fail cleanly naming it. */
type Outcome = 'fail' | 'ok' | 'either';
type Damage = { name: string; file: string; damage: (path: string) => void; lottery: Outcome; report: Outcome; export: Outcome };
const truncateHalf = (p: string) => truncateSync(p, Math.floor(statSync(p).size / 2));
const cases: Damage[] = [
  { name: 'truncated final tensors', file: 'trial_0/level_1/final.safetensors', damage: truncateHalf, lottery: 'ok', report: 'fail', export: 'fail' },
  { name: 'broken JSON header in the mask', file: 'trial_0/level_1/mask.safetensors', damage: (p) => { const b = readFileSync(p); b.write('{"x', 8); writeFileSync(p, b); }, lottery: 'either', report: 'either', export: 'either' },
  { name: 'deleted mask', file: 'trial_0/level_1/mask.safetensors', damage: unlinkSync, lottery: 'either', report: 'either', export: 'either' },
  { name: 'broken summary.json', file: 'trial_0/level_1/summary.json', damage: (p) => writeFileSync(p, '{"trial": 0, "lev'), lottery: 'fail', report: 'fail', export: 'ok' },
  { name: 'summary.json with wrong fields', file: 'trial_0/level_0/summary.json', damage: (p) => writeFileSync(p, '{"trial":0,"level":0,"density":1,"iterations":{},"final":{},"hash":"x"}'), lottery: 'fail', report: 'fail', export: 'ok' },
  { name: 'broken run hparams.json', file: 'hparams.json', damage: (p) => writeFileSync(p, 'not json'), lottery: 'either', report: 'either', export: 'either' },
  { name: 'metrics.csv with a garbage line', file: 'trial_0/level_1/metrics.csv', damage: (p) => appendFileSync(p, 'test_loss,garbage\n'), lottery: 'either', report: 'either', export: 'either' },
];

describe('damaged store files', () => {
  for (const c of cases) {
    it(`${c.name}: lottery ${c.lottery}, report ${c.report}, export ${c.export}`, TIMEOUT, () => {
      const [root, run] = copy();
      const path = join(run, c.file);
      c.damage(path);
      const before = readFileSync(join(baseRun, 'trial_0', 'level_0', 'summary.json'), 'utf8');
      const lottery = lth(['lottery', ...tiny, '--out', root]);
      if (c.lottery === 'fail' || (c.lottery === 'either' && lottery.status !== 0)) expectCleanFailure(lottery, c.file.split('/').pop()!);
      else {
        expect(lottery.status, lottery.stderr).toBe(0);
        expect(summary(run, 0)).toBe(before);
      }
      const report = lth(['report', run, '--out', join(root, 'report')]);
      if (c.report === 'fail' || (c.report === 'either' && report.status !== 0)) expectCleanFailure(report, c.file.split('/').pop()!);
      else expect(report.status, report.stderr).toBe(0);
      const exp = lth(['export', run, '--level', '1', '-o', join(root, 't.onnx')]);
      if (c.export === 'fail' || (c.export === 'either' && exp.status !== 0)) expectCleanFailure(exp, c.file.split('/').pop()!);
      else expect(exp.status, exp.stderr).toBe(0);
    });
  }

  it('a deleted summary.json, or one beside a truncated checkpoint, is recomputed to the same result', TIMEOUT, () => {
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
