// The per-trial lock of the store: exclusive while its holder lives, taken over when stale (dead pid on this
// host, or no heartbeat within the timeout), released only by its holder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireTrialLock, lockFile, readLock } from '../src/store/lock.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The pid of a process that has exited (so it is dead on this host). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const plant = (dir: string, owner: object, ageS = 0) => {
  acquireTrialLock(dir).release(); // creates the directory
  writeFileSync(lockFile(dir), JSON.stringify({ slurmJob: '41_1', startedAt: 'then', ...owner }));
  const t = Date.now() / 1000 - ageS;
  utimesSync(lockFile(dir), t, t);
};

describe('trial lock', () => {
  it('is exclusive while its holder lives, and its release frees it', () => {
    const dir = join(tmp, 'a', 'trial_0');
    const lock = acquireTrialLock(dir);
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    expect(readLock(dir)?.stale).toBe(false);
    expect(() => acquireTrialLock(dir)).toThrow(
      expect.objectContaining({ code: 'ERR_LOCKED', message: expect.stringMatching(/being trained by pid \d+ on /) }),
    );
    lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
    acquireTrialLock(dir).release();
  });

  it('takes over the lock of a killed job (dead pid on this host)', () => {
    const dir = join(tmp, 'b', 'trial_0');
    const pid = deadPid();
    plant(dir, { host: hostname(), pid });
    expect(readLock(dir)).toMatchObject({ stale: true, staleReason: `pid ${pid} is dead on ${hostname()}`, owner: { slurmJob: '41_1' } });
    const lock = acquireTrialLock(dir);
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('on another host: live while its heartbeat is fresh, stale after the timeout', () => {
    const dir = join(tmp, 'c', 'trial_1');
    plant(dir, { host: 'other-node', pid: 1 }, 30);
    expect(readLock(dir, 60_000)?.stale).toBe(false);
    expect(() => acquireTrialLock(dir, { staleAfterMs: 60_000 })).toThrow(/Slurm job 41_1/);
    expect(readLock(dir, 10_000)).toMatchObject({ stale: true, staleReason: expect.stringMatching(/no heartbeat for 3\d s/) });
    const lock = acquireTrialLock(dir, { staleAfterMs: 10_000 });
    // A holder whose lock was taken over does not remove the new holder's lock.
    writeFileSync(lockFile(dir), JSON.stringify({ host: 'other-node', pid: 7, slurmJob: null, startedAt: 'now' }));
    lock.release();
    expect(existsSync(lockFile(dir))).toBe(true);
  });
});
