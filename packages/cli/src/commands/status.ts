// lth status <run-dir>: what a run and its controls have done, from the store alone (works while jobs run):
// done, running (with the job holding the trial), failed (a killed job, or stopped with a checkpoint: rerun or
// resubmit to resume) or pending, per series, trial and level; and the Slurm jobs `lth submit` recorded.
import { existsSync } from 'node:fs';
import { runStatus, slurmJobsFile, type LevelStatus } from '@lth/core';
import { Argument, Command, Option } from 'commander';
import { textTable } from '../table.js';
import { readJobsFile } from './submit.js';

function detail(s: LevelStatus): string {
  const at = s.iteration !== null ? `checkpoint at iteration ${s.iteration}` : '';
  const who = s.owner ? `${s.owner.slurmJob ? `job ${s.owner.slurmJob}, ` : ''}pid ${s.owner.pid} on ${s.owner.host}` : '';
  return [who, at, s.reason ?? ''].filter(Boolean).join('; ');
}

export function statusCommand(): Command {
  return new Command('status')
    .description('what a run and its controls have done: done, running (with job ids), failed or pending, per trial and level')
    .addArgument(new Argument('<run-dir>', 'a run directory (`lth lottery` / `lth submit` print it)'))
    .addOption(new Option('--json', 'the status as JSON'))
    .action((dir: string, opts: { json?: boolean }) => {
      const st = runStatus(dir);
      const jobsFile = slurmJobsFile(dir);
      const jobs = existsSync(jobsFile) ? readJobsFile(jobsFile) : [];
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...st, jobs }, null, 2)}\n`);
        return;
      }
      const rows = st.levels.map((s) => [s.series, String(s.trial), String(s.level), s.state, detail(s)]);
      const c = st.counts;
      const out = [
        `${st.dir} (${st.kind}, ${st.trials} trials): ${c.done} done, ${c.running} running, ${c.failed} failed, ${c.pending} pending`,
        textTable(['series', 'trial', 'level', 'state', 'detail'], rows, 5),
      ];
      if (jobs.length) {
        out.push('', 'submitted Slurm jobs (squeue -j <id> for their queue state):');
        out.push(
          textTable(
            ['job', 'name', 'trials', 'after', 'submitted'],
            jobs.map((j) => [j.jobId, j.name, j.trials.join(','), j.after ?? '-', j.submittedAt]),
            5,
          ),
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
