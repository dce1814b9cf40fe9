// A lock per (series, trial) in the store, so two jobs on a shared filesystem never train the same trial at
// once: <series>/trial_<t>/lock.json, created exclusively (O_EXCL), holding who owns it (host, pid, Slurm job
// id). Its mtime is the heartbeat: the holder touches it while it trains. A lock is stale — its holder was
// killed — when its pid is dead on this host, or when its heartbeat is older than the stale timeout (a holder
// on another host, or a hung one); a stale lock is taken over.
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { trialLockFile } from './layout.js';

export interface LockOwner {
  host: string;
  pid: number;
  /** SLURM_JOB_ID (SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID for an array task), or null outside Slurm. */
  slurmJob: string | null;
  startedAt: string;
}

export interface LockState {
  owner: LockOwner;
  /** Milliseconds since the last heartbeat. */
  heartbeatAgeMs: number;
  stale: boolean;
  /** Why it is stale ('pid … is dead on this host', 'no heartbeat for … s'), or null. */
  staleReason: string | null;
}

export class LockError extends Error {
  readonly code = 'ERR_LOCKED';
}

/** Default stale timeout: a holder touches its lock at least every HEARTBEAT_MS while it trains. */
export const STALE_AFTER_MS = 10 * 60_000;
const HEARTBEAT_MS = 15_000;

export const lockFile = trialLockFile;

export function currentOwner(): LockOwner {
  const env = process.env;
  const slurmJob =
    env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : (env.SLURM_JOB_ID ?? null);
  return { host: hostname(), pid: process.pid, slurmJob, startedAt: new Date().toISOString() };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The lock of a trial directory and whether it is stale, or null when there is none (or it vanished). */
export function readLock(trialDir: string, staleAfterMs = STALE_AFTER_MS): LockState | null {
  const file = lockFile(trialDir);
  let owner: LockOwner;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    owner = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // A torn or foreign file: nobody can be shown to hold it; treat as stale once its heartbeat is old.
    const age = existsSync(file) ? Date.now() - statSync(file).mtimeMs : 0;
    return {
      owner: { host: '?', pid: -1, slurmJob: null, startedAt: '?' },
      heartbeatAgeMs: age,
      stale: age > staleAfterMs,
      staleReason: age > staleAfterMs ? 'unreadable lock file' : null,
    };
  }
  const heartbeatAgeMs = Date.now() - mtimeMs;
  let staleReason: string | null = null;
  if (owner.host === hostname() && !pidAlive(owner.pid)) staleReason = `pid ${owner.pid} is dead on ${owner.host}`;
  else if (heartbeatAgeMs > staleAfterMs) staleReason = `no heartbeat for ${Math.round(heartbeatAgeMs / 1000)} s`;
  return { owner, heartbeatAgeMs, stale: staleReason !== null, staleReason };
}

export interface TrialLock {
  /** Refresh the heartbeat (cheap; at most one touch per HEARTBEAT_MS). */
  heartbeat(): void;
  release(): void;
}

function createExclusive(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

const describe = (o: LockOwner) => `pid ${o.pid} on ${o.host}${o.slurmJob ? `, Slurm job ${o.slurmJob}` : ''}, since ${o.startedAt}`;

/**
 * Take the trial's lock, taking over a stale one; throws ERR_LOCKED when a live holder has it. What the
 * holder of a stale lock left (a checkpoint) is resumed by the new holder as by any rerun.
 */
export function acquireTrialLock(trialDir: string, opts: { staleAfterMs?: number } = {}): TrialLock {
  mkdirSync(trialDir, { recursive: true });
  const file = lockFile(trialDir);
  const me = currentOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, me)) return heldLock(file, me);
    const held = readLock(trialDir, opts.staleAfterMs);
    if (held === null) continue; // released meanwhile
    if (!held.stale)
      throw new LockError(`${trialDir} is being trained by ${describe(held.owner)} (lock ${file}); wait for it, or cancel that job`);
    // Move the stale lock aside (one taker wins the rename), then race for a fresh one. Re-read first: a lock
    // another taker has just created in its place is not the stale one.
    const again = readLock(trialDir, opts.staleAfterMs);
    if (!again || again.owner.pid !== held.owner.pid || again.owner.startedAt !== held.owner.startedAt) continue;
    try {
      renameSync(file, `${file}.stale-${me.pid}`);
      rmSync(`${file}.stale-${me.pid}`, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  throw new LockError(`${trialDir}: could not take the lock ${file} (other jobs keep taking it)`);
}

function heldLock(file: string, me: LockOwner): TrialLock {
  let last = Date.now();
  const ours = () => {
    try {
      const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
      return o.host === me.host && o.pid === me.pid && o.startedAt === me.startedAt;
    } catch {
      return false;
    }
  };
  return {
    heartbeat() {
      const now = Date.now();
      if (now - last < HEARTBEAT_MS) return;
      last = now;
      try {
        utimesSync(file, now / 1000, now / 1000);
      } catch {
        // Lock gone (taken over as stale): the next release leaves the new holder's lock alone.
      }
    },
    release() {
      if (ours()) rmSync(file, { force: true });
    },
  };
}

/** Hold the trial's lock for the duration of `work` (sync or async), heartbeat passed in. */
export async function withTrialLock<T>(trialDir: string, work: (heartbeat: () => void) => Promise<T> | T): Promise<T> {
  const lock = acquireTrialLock(trialDir);
  try {
    return await work(() => lock.heartbeat());
  } finally {
    lock.release();
  }
}
