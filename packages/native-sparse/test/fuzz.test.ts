// Fuzz of the package's JS API: a fixed seed, a bounded number of random valid and invalid calls spread over
// every exported function and Tensor method (test/fuzz/calls.ts), run in child processes so that a crash is
// attributed to its call. Every call must return or throw an lth error with a `.code`; none may kill the process.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';
import { generators } from './fuzz/calls.js';
import { fuzzNames, type FuzzEvent } from './fuzz/worker.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261205;
const CALLS = 4000;
const PER_CHILD = 1000;
/**
 * A child still running after this long is stuck in a call (counted as a failure naming it). A hang detector, not a
 * speed check: a child of 1000 calls takes ~50 s on the 2-core dev machine, and over 2 min in CI beside the other test
 * files (2 min was once the limit, and failed there), so the bound leaves room for a machine 5× slower under load.
 */
const CHILD_TIMEOUT_MS = 20 * 60_000;

interface Failure {
  i: number;
  name: string;
  what: string;
}

interface FuzzReport {
  results: FuzzEvent[];
  failures: Failure[];
  children: number;
}

/** Run calls [0, CALLS) in batches of children; after a crash, go on from the call after the one that crashed. */
function fuzz(): FuzzReport {
  const results: FuzzEvent[] = [];
  const failures: Failure[] = [];
  let children = 0;
  let next = 0;
  while (next < CALLS) {
    const to = Math.min(CALLS, next + PER_CHILD);
    children++;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'fuzz', 'worker.ts'), String(SEED), String(next), String(to)], {
      cwd: pkg,
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 256 * 1024 * 1024,
    });
    let started: FuzzEvent | undefined;
    let last = next - 1;
    for (const line of r.stdout.split('\n')) {
      if (!line) continue;
      const e = JSON.parse(line) as FuzzEvent;
      if (e.kind === 'start') started = e;
      else {
        results.push(e);
        started = undefined;
        last = e.i;
        if (e.kind === 'bad') failures.push({ i: e.i, name: e.name, what: `threw a non-lth error: ${e.message}` });
      }
    }
    const clean = r.status === 0 && r.signal === null && last === to - 1;
    if (!clean) {
      const culprit = started ?? { i: last + 1, name: fuzzNames[(last + 1) % fuzzNames.length]! };
      const how = r.signal ? `signal ${r.signal}` : r.error ? String(r.error) : `exit ${r.status}`;
      failures.push({ i: culprit.i, name: culprit.name, what: `child died (${how}): ${r.stderr.slice(-600)}` });
      last = culprit.i;
    }
    next = last + 1;
  }
  return { results, failures, children };
}

describe('fuzz of the JS API (child processes, fixed seed)', () => {
  it('has a generator for every exported function', () => {
    const exported = Object.entries(api)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
    expect(exported.filter((k) => !(k in generators))).toEqual([]);
    expect(Object.keys(generators).filter((k) => !exported.includes(k))).toEqual([]);
  });

  it(`${CALLS} random calls: no crash, every error an lth error with a code`, { timeout: 20 * 60_000 }, () => {
    const { results, failures, children } = fuzz();
    expect(failures.slice(0, 20)).toEqual([]);
    expect(results).toHaveLength(CALLS);
    // The generators reach both sides on every function: valid calls that run, invalid ones that are rejected.
    const ran = new Set(results.filter((e) => e.kind === 'ok').map((e) => e.name));
    expect(fuzzNames.filter((n) => !ran.has(n))).toEqual([]);
    const codes = new Set(results.map((e) => e.code));
    for (const c of ['ERR_ARG', 'ERR_SHAPE', 'ERR_DTYPE', 'ERR_DISPOSED', 'ERR_ALIAS']) expect(codes).toContain(c);
    const lth = results.filter((e) => e.kind === 'lth').length;
    console.info(
      `fuzz: ${results.length} calls over ${fuzzNames.length} functions/methods in ${children} child processes; ` +
        `${results.length - lth} returned, ${lth} lth errors, 0 crashes, 0 errors without a code`,
    );
  });
});
