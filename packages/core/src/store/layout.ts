// The experiment store's paths and file names, owned here (docs/design.md §6); nothing else spells them:
//   <root>/<kind>_<hash>/hparams.json                                  the run's hyperparameters, hash and kind
//   <root>/<kind>_<hash>/trial_<t>/{init,rewind}.safetensors            the reset point of the trial
//   <root>/<kind>_<hash>/trial_<t>/lock.json                           the owner of a trial being trained
//   <root>/<kind>_<hash>/trial_<t>/level_<k>/{hparams.json, metrics.csv, summary.json,
//                                             mask.safetensors, init.safetensors, final.safetensors}
//   <root>/<kind>_<hash>/branch_<name>/trial_<t>/level_<k>/…           controls that reuse the run's masks
//   <root>/<kind>_<hash>/slurm/jobs.json                               `lth submit`'s record of its jobs
// A level is finished when its summary.json exists (written last, atomically). While it trains,
// checkpoint.safetensors + checkpoint.json hold its latest state.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { StoreError } from './errors.js';
import type { MetricRow } from '../train/metrics.js';

/** The files of a level directory. */
const LEVEL_FILES = {
  hparams: 'hparams.json',
  metrics: 'metrics.csv',
  summary: 'summary.json',
  mask: 'mask.safetensors',
  init: 'init.safetensors',
  final: 'final.safetensors',
  checkpoint: 'checkpoint.safetensors',
  checkpointMeta: 'checkpoint.json',
} as const;
export type LevelFile = keyof typeof LEVEL_FILES;

const TRIAL = /^trial_(\d+)$/;
const LEVEL = /^level_(\d+)$/;
const BRANCH_PREFIX = 'branch_';

export function runDir(root: string, kind: string, hash: string): string {
  return join(root, `${kind}_${hash}`);
}
/** A trial of a run, or of a branch (`series` is the run's or the branch's directory). */
export function trialDir(series: string, trial: number): string {
  return join(series, `trial_${trial}`);
}
export function levelDir(series: string, trial: number, level: number): string {
  return join(trialDir(series, trial), `level_${level}`);
}
export function branchDir(run: string, branch: string): string {
  return join(run, `${BRANCH_PREFIX}${branch}`);
}

/** One of a level directory's files. */
export function levelFile(ldir: string, file: LevelFile): string {
  return join(ldir, LEVEL_FILES[file]);
}
/** The run's hparams.json ({ hparams, nonDefault, hash, kind }). */
export function runHparamsFile(run: string): string {
  return join(run, 'hparams.json');
}
/** The trial's initialisation, drawn once: every level resets to it (without rewinding). */
export function trialInitFile(series: string, trial: number): string {
  return join(trialDir(series, trial), 'init.safetensors');
}
/** The weights a trial's later levels reset to: its initialisation (rewindAt 0), or its weights at the rewind point. */
export function resetFile(series: string, trial: number, rewindAt: number): string {
  return rewindAt === 0 ? trialInitFile(series, trial) : join(trialDir(series, trial), 'rewind.safetensors');
}
export function trialLockFile(tdir: string): string {
  return join(tdir, 'lock.json');
}
/** Where `lth submit` keeps a run's job scripts, logs and jobs.json. */
export function slurmDir(run: string): string {
  return join(run, 'slurm');
}
export function slurmJobsFile(run: string): string {
  return join(slurmDir(run), 'jobs.json');
}

/** The trials present in a run's or branch's directory, ascending. */
export function trialsIn(series: string): number[] {
  return numberedIn(series, TRIAL);
}
/** The levels present in a trial directory, ascending. */
export function levelsIn(tdir: string): number[] {
  return numberedIn(tdir, LEVEL);
}
/** The branches of a run (their names: 'reinit', 'rearrange-connections', …), sorted. */
export function branchesIn(run: string): string[] {
  return readdirSync(run)
    .filter((d) => d.startsWith(BRANCH_PREFIX))
    .sort()
    .map((d) => d.slice(BRANCH_PREFIX.length));
}

function numberedIn(dir: string, pattern: RegExp): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((d) => pattern.exec(d))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function isLevelDone(dir: string): boolean {
  return existsSync(levelFile(dir, 'summary'));
}

export function writeMetricsCsv(path: string, rows: MetricRow[]): void {
  const lines = ['name,iteration,value', ...rows.map((r) => `${r.name},${r.iteration},${r.value}`)];
  writeFileAtomic(path, `${lines.join('\n')}\n`);
}

export function readMetricsCsv(path: string): MetricRow[] {
  if (!existsSync(path)) throw new StoreError('missing', path);
  const text = readFileSync(path, 'utf8').trim().split('\n');
  if (text[0] !== 'name,iteration,value') throw new StoreError(`not a metrics file (header '${text[0]}')`, path);
  return text.slice(1).map((line, i) => {
    const [name, it, v] = line.split(',');
    const row = { name: name!, iteration: Number(it), value: Number(v) };
    if (!name || !Number.isInteger(row.iteration) || v === undefined || v === '' || (Number.isNaN(row.value) && v.trim() !== 'NaN')) {
      throw new StoreError(`bad row ${i + 2}: '${line}'`, path);
    }
    return row;
  });
}
