// What a run (and its controls) has done, read from the store alone — the shared truth of jobs on a cluster:
// per series (the run, each branch_*), trial and level: done (summary.json), running (a live lock: its job),
// failed (a stale lock, or a checkpoint no live job holds: a killed or stopped job; rerunning resumes it), or
// pending (nothing started).
import { existsSync } from 'node:fs';
import { parseHparams, type Hparams } from '../hparams/schema.js';
import { branchDir, branchesIn, isLevelDone, levelDir, levelsIn, runHparamsFile, trialDir, trialsIn } from '../store/layout.js';
import { readLock, type LockOwner } from '../store/lock.js';
import { StoreError } from '../store/errors.js';
import { readStoreJson, RUN_HPARAMS_HINT } from '../store/read-json.js';
import { readCheckpointMeta } from './checkpoint.js';
import { runLevels } from './level.js';

export type LevelState = 'done' | 'running' | 'failed' | 'pending';

export interface LevelStatus {
  /** 'run', or the branch name (reinit, rearrange_seed2, …). */
  series: string;
  trial: number;
  level: number;
  state: LevelState;
  /** The lock holder of a running (or killed) level. */
  owner: LockOwner | null;
  /** The checkpoint's iteration of a running or failed level, or null. */
  iteration: number | null;
  /** Why a level counts as failed. */
  reason: string | null;
}

export interface RunStatus {
  dir: string;
  kind: string;
  hash: string;
  trials: number;
  levels: LevelStatus[];
  counts: Record<LevelState, number>;
}

function seriesStatus(name: string, dir: string, trials: number, levels: number[], staleAfterMs?: number): LevelStatus[] {
  const out: LevelStatus[] = [];
  for (let t = 0; t < trials; t++) {
    const lock = readLock(trialDir(dir, t), staleAfterMs);
    let active = true; // the first unfinished level is the one a job works on; later ones wait
    for (const level of levels) {
      const ldir = levelDir(dir, t, level);
      if (isLevelDone(ldir)) {
        out.push({ series: name, trial: t, level, state: 'done', owner: null, iteration: null, reason: null });
        continue;
      }
      const iteration = readCheckpointMeta(ldir)?.iteration ?? null;
      let row: LevelStatus = { series: name, trial: t, level, state: 'pending', owner: null, iteration, reason: null };
      if (active && lock && !lock.stale) row = { ...row, state: 'running', owner: lock.owner };
      else if (active && lock?.stale) row = { ...row, state: 'failed', owner: lock.owner, reason: `its job died (${lock.staleReason})` };
      else if (iteration !== null) row = { ...row, state: 'failed', reason: 'stopped with a checkpoint, no job holds it' };
      out.push(row);
      active = false;
    }
  }
  return out;
}

/**
 * A one-shot store entry holds one run per target level (each run with `levels: k` adds level_k beside the shared
 * dense level_0): its levels are those its hparams name and every level_k a trial has on disk.
 */
function oneShotLevels(run: string, h: Hparams): number[] {
  const found = new Set(runLevels(h, true));
  for (const t of trialsIn(run)) for (const l of levelsIn(trialDir(run, t))) found.add(l);
  return [...found].sort((a, b) => a - b);
}

/** The status of every level of a run directory and of its controls. */
export function runStatus(run: string, opts: { staleAfterMs?: number } = {}): RunStatus {
  const metaFile = runHparamsFile(run);
  if (!existsSync(metaFile)) throw new StoreError(`not a run directory (no hparams.json)`, run);
  const meta = readStoreJson<{ hparams: unknown; hash: string; kind: string }>(metaFile, ['hparams', 'hash', 'kind'], RUN_HPARAMS_HINT);
  const h = parseHparams(meta.hparams);
  const levels = meta.kind === 'oneshot' ? oneShotLevels(run, h) : runLevels(h, false);
  const rows = seriesStatus('run', run, h.lottery.trials, levels, opts.staleAfterMs);
  for (const b of branchesIn(run)) {
    rows.push(
      ...seriesStatus(
        b,
        branchDir(run, b),
        h.lottery.trials,
        levels.filter((l) => l > 0),
        opts.staleAfterMs,
      ),
    );
  }
  const counts: Record<LevelState, number> = { done: 0, running: 0, failed: 0, pending: 0 };
  for (const r of rows) counts[r.state]++;
  return { dir: run, kind: meta.kind, hash: meta.hash, trials: h.lottery.trials, levels: rows, counts };
}
