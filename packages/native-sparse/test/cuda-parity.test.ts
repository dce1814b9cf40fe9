// Kernel parity across targets, driven by one case table (test/cases/parity.ts): every op exported by lib,
// seeded inputs built once, run on two targets on the same inputs, continuous outputs compared at an fp32
// tolerance scaled to the problem and discrete outputs (masks, counts, argmax, keep masks, CSR structure,
// `correct`) bit for bit; pruned optimizer/gradient positions exactly 0 on both.
//
// Pairs: cuda against the fast CPU kernels (skipped visibly where the build or machine has no CUDA), and the
// fast CPU kernels against the CPU reference loops — the same table, so the table and its tolerances are
// proven on every machine, and a CPU fast-path bug shows here too.
import { expect, it } from 'vitest';
import * as batched from '../lib/ops/batched.js';
import * as conv from '../lib/ops/conv.js';
import * as dense from '../lib/ops/dense.js';
import * as layers from '../lib/ops/layers.js';
import * as optim from '../lib/ops/optim.js';
import * as pool from '../lib/ops/pool.js';
import * as prune from '../lib/ops/prune.js';
import * as sparse from '../lib/ops/sparse.js';
import { parityCases } from './cases/parity.js';
import { describeParity } from './support/parity.js';

describeParity('kernel parity', parityCases);

// Exported functions that run no kernel (shape arithmetic, JS-side CSR helpers, CPU GEMM introspection).
const NOT_KERNELS = new Set(['conv2dOutputShape', 'pool2dOutputShape', 'denseKernelInfo', 'validateCsr', 'csrFromArrays', 'csrToArrays']);

it('the parity table covers every kernel op exported by lib/ops', () => {
  const exported = [batched, conv, dense, layers, optim, pool, prune, sparse]
    .flatMap((m) => Object.entries(m))
    .filter(([name, v]) => typeof v === 'function' && !NOT_KERNELS.has(name))
    .map(([name]) => name)
    .sort();
  const covered = new Set(parityCases.map((c) => c.op));
  expect(exported.filter((name) => !covered.has(name)), 'ops without parity cases').toEqual([]);
  expect(exported.length).toBeGreaterThanOrEqual(30);
});

it('case names are unique (one table keeps every target in step)', () => {
  const names = parityCases.map((c) => `${c.op}: ${c.name}`);
  expect(new Set(names).size).toBe(names.length);
});
