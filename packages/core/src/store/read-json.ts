// Reading the store's JSON files (hparams.json, summary.json, checkpoint.json) so that a missing, truncated or
// hand-edited file is a StoreError naming it, never a bare SyntaxError or a silently half-read object.
import { existsSync, readFileSync } from 'node:fs';
import { StoreError } from './errors.js';

/** Parse `path` as JSON: missing or unparsable is a StoreError naming it, with `hint` (what to do). */
export function readStoreJsonValue(path: string, hint: string): unknown {
  if (!existsSync(path)) throw new StoreError(`missing; ${hint}`, path);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StoreError(`not valid JSON (${(e as Error).message}); ${hint}`, path);
  }
}

/** Parse `path` as a JSON object that has every key in `required`. */
export function readStoreJson<T>(path: string, required: readonly string[], hint: string): T {
  const value = readStoreJsonValue(path, hint);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StoreError(`not a JSON object; ${hint}`, path);
  const missing = required.filter((k) => !(k in value));
  if (missing.length) throw new StoreError(`lacks ${missing.join(', ')}; ${hint}`, path);
  return value as T;
}

export const RECOMPUTE_LEVEL_HINT = 'delete its level_<k> directory and re-run `lth lottery` to recompute that level';
export const RUN_HPARAMS_HINT = 'the run cannot be identified without it; restore it or start the run again';
export const SLURM_JOBS_HINT =
  'the record of submitted jobs is damaged; remove it (the run itself is unaffected; `lth status` then shows no job ids)';
