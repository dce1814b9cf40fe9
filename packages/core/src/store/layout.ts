// Experiment store layout (DESIGN.md §6):
//   <root>/<kind>_<hash>/hparams.json
//   <root>/<kind>_<hash>/trial_<t>/{init,rewind}.safetensors            the reset point of the trial
//   <root>/<kind>_<hash>/trial_<t>/level_<k>/{hparams.json, metrics.csv, summary.json,
//                                             mask.safetensors, init.safetensors, final.safetensors}
//   <root>/<kind>_<hash>/branch_<name>/trial_<t>/level_<k>/…           controls that reuse the run's masks
// A level is finished when its summary.json exists (written last, atomically). While it trains,
// checkpoint.safetensors + checkpoint.json hold its latest state.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { StoreError } from './errors.js';
import type { MetricRow } from '../train/metrics.js';

export function runDir(root: string, kind: string, hash: string): string {
  return join(root, `${kind}_${hash}`);
}
export function trialDir(run: string, trial: number): string {
  return join(run, `trial_${trial}`);
}
export function levelDir(run: string, trial: number, level: number): string {
  return join(trialDir(run, trial), `level_${level}`);
}
export function branchDir(run: string, branch: string): string {
  return join(run, `branch_${branch}`);
}

export function isLevelDone(dir: string): boolean {
  return existsSync(join(dir, 'summary.json'));
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
