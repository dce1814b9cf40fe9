// Stability measures from "Stabilizing the Lottery Ticket Hypothesis" (Frankle, Dziugaite, Roy, Carbin 2019):
//  - distance of a ticket's trained weights to the dense network's trained weights;
//  - distance between two trainings of the same ticket under different data orders (the data-order branch).
// Both are L2 distances over the prunable weights, reported raw and relative to the norm of the reference.
import { join } from 'node:path';
import { readSafetensors, type NamedArray } from '../store/safetensors.js';
import { branchDir, levelDir } from '../store/layout.js';
import { branchName } from './branch.js';

export interface Distance {
  l2: number;
  /** l2 / ‖reference‖. */
  relative: number;
}

/** L2 distance between two weight sets over the named tensors (default: every tensor named *.weight). */
export function l2Distance(a: Record<string, NamedArray>, b: Record<string, NamedArray>, names?: string[]): Distance {
  const keys = names ?? Object.keys(b).filter((k) => k.endsWith('.weight'));
  let d2 = 0;
  let n2 = 0;
  for (const k of keys) {
    const x = a[k]?.data;
    const y = b[k]?.data;
    if (!x || !y || x.length !== y.length) throw new Error(`cannot compare '${k}': missing or of different size`);
    for (let i = 0; i < y.length; i++) {
      d2 += (x[i]! - y[i]!) ** 2;
      n2 += y[i]! ** 2;
    }
  }
  return { l2: Math.sqrt(d2), relative: n2 > 0 ? Math.sqrt(d2 / n2) : 0 };
}

const finals = (dir: string) => readSafetensors(join(dir, 'final.safetensors')).tensors;

/** ‖w_ticket(level) − w_dense‖ after training (the dense network is level 0 of the same trial). */
export function distanceToDense(run: string, trial: number, level: number): Distance {
  return l2Distance(finals(levelDir(run, trial, level)), finals(levelDir(run, trial, 0)));
}

/** ‖w − w'‖ between the ticket trained by the run and by its data-order branch (seed offset `seed`). */
export function dataOrderDistance(run: string, trial: number, level: number, seed = 0): Distance {
  const other = join(branchDir(run, branchName('data-order', seed)), `trial_${trial}`, `level_${level}`);
  return l2Distance(finals(other), finals(levelDir(run, trial, level)));
}
