// Kernel parity across targets, driven by one case table (test/cases/parity.ts): every op exported by lib,
// seeded inputs built once, run on two targets on the same inputs, continuous outputs compared at an fp32
// tolerance scaled to the problem and discrete outputs (masks, counts, argmax, keep masks, CSR structure,
// `correct`) bit for bit; pruned optimizer/gradient positions exactly 0 on both.
//
// Pairs: cuda against the fast CPU kernels (skipped visibly where the build or machine has no CUDA), and the
// fast CPU kernels against the CPU reference loops — the same table, so the table and its tolerances are
// proven on every machine, and a CPU fast-path bug shows here too.
import { expect, it } from 'vitest';
import * as add from '../lib/ops/add.js';
import * as adamStep from '../lib/ops/adam_step.js';
import * as batchnorm from '../lib/ops/batchnorm.js';
import * as conv2d from '../lib/ops/conv2d.js';
import * as csrConvert from '../lib/ops/csr_convert.js';
import * as csrSpmm from '../lib/ops/csr_spmm.js';
import * as dropout from '../lib/ops/dropout.js';
import * as gemm from '../lib/ops/gemm.js';
import * as globalAvgpool from '../lib/ops/global_avgpool.js';
import * as magnitudePrune from '../lib/ops/magnitude_prune.js';
import * as maskOps from '../lib/ops/mask_ops.js';
import * as maskedDense from '../lib/ops/masked_dense.js';
import * as maskedDenseBatched from '../lib/ops/masked_dense_batched.js';
import * as pool2d from '../lib/ops/pool2d.js';
import * as relu from '../lib/ops/relu.js';
import * as sgdStep from '../lib/ops/sgd_step.js';
import * as sigmoidBinaryCrossEntropy from '../lib/ops/sigmoid_binary_cross_entropy.js';
import * as softmaxCe from '../lib/ops/softmax_cross_entropy.js';
import * as softmaxCeBatched from '../lib/ops/softmax_cross_entropy_batched.js';
import * as sparseDense from '../lib/ops/sparse_dense.js';
import { parityCases } from './cases/parity.js';
import { describeParity } from './support/parity.js';

describeParity('kernel parity', parityCases);

// Exported functions that run no kernel (shape arithmetic, JS-side CSR helpers, CPU GEMM introspection).
const NOT_KERNELS = new Set(['conv2dOutputShape', 'pool2dOutputShape', 'denseKernelInfo', 'validateCsr', 'csrFromArrays', 'csrToArrays']);

it('the parity table covers every kernel op exported by lib/ops', () => {
  const exported = [
    add,
    adamStep,
    batchnorm,
    conv2d,
    csrConvert,
    csrSpmm,
    dropout,
    gemm,
    globalAvgpool,
    magnitudePrune,
    maskOps,
    maskedDense,
    maskedDenseBatched,
    pool2d,
    relu,
    sgdStep,
    sigmoidBinaryCrossEntropy,
    softmaxCe,
    softmaxCeBatched,
    sparseDense,
  ]
    .flatMap((m) => Object.entries(m))
    .filter(([name, v]) => typeof v === 'function' && !NOT_KERNELS.has(name))
    .map(([name]) => name)
    .sort();
  const covered = new Set(parityCases.map((c) => c.op));
  expect(
    exported.filter((name) => !covered.has(name)),
    'ops without parity cases',
  ).toEqual([]);
  expect(exported.length).toBeGreaterThanOrEqual(30);
});

it('case names are unique (one table keeps every target in step)', () => {
  const names = parityCases.map((c) => `${c.op}: ${c.name}`);
  expect(new Set(names).size).toBe(names.length);
});
