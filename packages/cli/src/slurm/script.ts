// The sbatch script of one planned job: #SBATCH resource lines (partition, gres, time, account, extra flags passed
// through), logs next to the run, and the `lth` command itself — this checkout's node and bin/lth.js, so the job
// runs exactly the code that submitted it.
import type { PlannedJob } from './plan.js';
import { TASK_TRIAL } from './plan.js';

export interface SlurmResources {
  partition?: string;
  gres?: string;
  time?: string;
  account?: string;
  /** Further sbatch flags, one per entry, e.g. '--mem=16G', '--cpus-per-task=4'. */
  extra: string[];
}

export interface ScriptContext {
  /** Job names are `<prefix>-<job>`. */
  prefix: string;
  node: string;
  lth: string;
  /** Working directory of the job (the submitter's: relative --out and --data-dir mean the same). */
  cwd: string;
  logDir: string;
  resources: SlurmResources;
}

/** Single-quote for bash unless the word is plain; the task's trial variable stays expandable. */
export function shellWord(w: string): string {
  if (w === TASK_TRIAL) return `"${w}"`;
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** Array spec for sbatch: 0-3 for a contiguous range, else 0,2,5. */
export function arraySpec(trials: number[]): string {
  const contiguous = trials.every((t, i) => i === 0 || t === trials[i - 1]! + 1);
  return contiguous && trials.length > 1 ? `${trials[0]}-${trials[trials.length - 1]}` : trials.join(',');
}

export function sbatchScript(job: PlannedJob, c: ScriptContext): string {
  const r = c.resources;
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${c.prefix}-${job.name}`,
    `#SBATCH --array=${arraySpec(job.trials)}`,
    `#SBATCH --chdir=${c.cwd}`,
    `#SBATCH --output=${c.logDir}/%x_%A_%a.out`,
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    ...(r.gres ? [`#SBATCH --gres=${r.gres}`] : []),
    ...(r.time ? [`#SBATCH --time=${r.time}`] : []),
    ...(r.account ? [`#SBATCH --account=${r.account}`] : []),
    ...r.extra.map((f) => `#SBATCH ${f}`),
    `# ${job.after ? `after ${c.prefix}-${job.after} (aftercorr: task i waits for its task i). ` : ''}A task that dies is resubmitted as is: it resumes from its checkpoint.`,
    'set -euo pipefail',
    `exec ${[c.node, c.lth, ...job.args].map(shellWord).join(' ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
