// lth submit --dry-run (the sbatch scripts, no Slurm needed), --trial on lottery, and status/report on a
// partial run.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lthBin, runLth, tinyFlags } from './support/lth.js';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'lth-submit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = tinyFlags;
const lth = (args: string[]) => runLth(args, tmp);

/** The scripts of a dry run, by job name. */
function scripts(out: string): Map<string, { sbatch: string; body: string }> {
  const m = new Map<string, { sbatch: string; body: string }>();
  for (const chunk of out.split(/^(?=# sbatch )/m).filter(Boolean)) {
    const name = chunk.match(/--job-name=lth-[0-9a-f]+-(\S+)/)![1]!;
    m.set(name, { sbatch: chunk.split('\n')[0]!, body: chunk });
  }
  return m;
}

describe('lth submit --dry-run', () => {
  it('one array job over the trials, each control after it (aftercorr), resources and extra flags in the script', () => {
    const r = lth([
      'submit',
      '--dry-run',
      '--controls',
      'reinit,rearrange',
      '--partition',
      'gpu',
      '--gres',
      'gpu:2',
      '--time',
      '04:00:00',
      '--account',
      'lab',
      '--sbatch=--mem=16G',
      '--sbatch=--cpus-per-task=4',
      'lottery',
      '--preset',
      'lenet',
      '--trials',
      '3',
      '--device',
      'cuda',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const s = scripts(r.stdout);
    expect([...s.keys()]).toEqual(['run', 'reinit', 'rearrange']);
    const run = s.get('run')!.body;
    for (const line of [
      '#SBATCH --array=0-2',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:2',
      '#SBATCH --time=04:00:00',
      '#SBATCH --account=lab',
      '#SBATCH --mem=16G',
      '#SBATCH --cpus-per-task=4',
      `#SBATCH --chdir=${tmp}`,
    ])
      expect(run).toContain(line);
    expect(run).toContain(
      `exec ${process.execPath} ${lthBin} lottery --preset lenet --trials 3 --device cuda --trial "$SLURM_ARRAY_TASK_ID"`,
    );
    expect(s.get('run')!.sbatch).not.toContain('--dependency');
    expect(s.get('reinit')!.sbatch).toContain('--dependency=aftercorr:<job id of lth-');
    expect(s.get('reinit')!.body).toMatch(
      new RegExp(`lth\\.js branch reinit ${tmp}/lth-runs/lottery_[0-9a-f]+ --device cuda --trial "\\$SLURM_ARRAY_TASK_ID"`),
    );
    expect(readdirSync(tmp)).not.toContain('lth-runs'); // a dry run writes nothing
  });

  it('--split level: one job per level after the previous one, controls per level; --trial picks the array', () => {
    const r = lth([
      'submit',
      '--dry-run',
      '--split',
      'level',
      '--controls',
      'reinit',
      'lottery',
      ...tiny,
      '--trials',
      '4',
      '--trial',
      '1,3',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const s = scripts(r.stdout);
    expect([...s.keys()]).toEqual(['run-level0', 'run-level1', 'reinit-level1', 'run-level2', 'reinit-level2']);
    expect(s.get('run-level1')!.body).toContain('#SBATCH --array=1,3');
    expect(s.get('run-level1')!.body).toMatch(/lottery .* --until-level 1 --trial "\$SLURM_ARRAY_TASK_ID"\n/);
    expect(s.get('run-level1')!.body).not.toMatch(/--trial 1,3/);
    expect(s.get('run-level1')!.sbatch).toContain('aftercorr:<job id of lth-');
    expect(s.get('run-level1')!.sbatch).toMatch(/-run-level0>/);
    expect(s.get('reinit-level2')!.sbatch).toMatch(/-run-level2>/);
    expect(s.get('reinit-level2')!.body).toMatch(/branch reinit \S+ --device cpu --threads 1 --levels 2 --trial/);
  });

  it('bad input: a clear error', () => {
    expect(lth(['submit', '--dry-run', '--controls', 'shuffle', 'lottery']).stderr).toMatch(/unknown control 'shuffle'.*\[ERR_SLURM\]/);
    expect(lth(['submit', '--dry-run', 'lottery', '--batch-trials']).stderr).toMatch(/--batch-trials.*\[ERR_SLURM\]/);
    expect(lth(['submit', '--dry-run', 'report', 'x']).stderr).toMatch(/value 'report' is invalid for argument 'command'/);
    expect(lth(['submit', '--dry-run', 'lottery', '--trials', '2', '--trial', 'x']).stderr).toMatch(
      /--trial.*expected comma-separated numbers/,
    );
  });
});

describe('a partial run', () => {
  it('lottery --trial runs one trial of the run; status shows done and pending; report works on it', () => {
    const a = lth(['lottery', ...tiny, '--trials', '2', '--trial', '1', '--quiet', '--out', 'part']);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^1\/0 /m);
    expect(a.stdout).not.toMatch(/^0\/\d /m);
    const run = join(tmp, 'part', readdirSync(join(tmp, 'part'))[0]!);
    const st = lth(['status', run]);
    expect(st.status, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/\(lottery, 2 trials\): 3 done, 0 running, 0 failed, 3 pending/);
    expect(st.stdout).toMatch(/run\s+0\s+2\s+pending/);
    expect(st.stdout).toMatch(/run\s+1\s+2\s+done/);
    const rep = lth(['report', run]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(lth(['lottery', ...tiny, '--trials', '2', '--trial', '2', '--out', 'part']).stderr).toMatch(
      /trial 2 does not exist: the run has trials 0\.\.1 \[ERR_TRIAL\]/,
    );
  });
});
