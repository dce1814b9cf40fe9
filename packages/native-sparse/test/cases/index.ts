// The cross-target parity table: the parity cases of every op, each kept in its op's case file (test/cases/<op>.ts,
// beside the cases its own test reads), collected here for test/cuda-parity.test.ts. Realistic sizes (LeNet-300-100
// at batch 60, a Conv-4 64→64 3×3 layer at 32×32 batch 8, ResNet-20 stride-2 layers, 266K-weight global pruning over
// 3 tensors) and awkward ones (1×1, odd sizes, empty batches, exact ties). Inputs are seeded and built once per case;
// test/support/parity.ts runs each case on two kernel targets and compares.
//
// Tolerances: float(…) compares |Δ| ≤ (rel + terms·2^-24)·max|baseline| with rel 1e-4 by default and terms the
// longest reduction behind one element; elementwise arithmetic uses rel 1e-6 (a few ulps of the largest value);
// selections and copies (relu, maxpool values, CSR values, add) compare values exactly (rel 0; ±0 equal);
// exact(…) is bit-identical (masks, counts, argmax, keep masks, CSR structure, `correct`).
import type { ParityCase } from '../support/parity.js';
import { adamStepParity } from './adam_step.js';
import { addParity } from './add.js';
import { batchNormParity } from './batchnorm.js';
import { conv2dParity } from './conv2d.js';
import { csrConvertParity } from './csr_convert.js';
import { csrSpmmParity } from './csr_spmm.js';
import { dropoutParity } from './dropout.js';
import { flipTranslateParity } from './flip_translate.js';
import { gatherRowsParity } from './gather_rows.js';
import { gemmParity } from './gemm.js';
import { globalAvgPoolParity } from './global_avgpool.js';
import { magnitudePruneParity } from './magnitude_prune.js';
import { maskOpsParity } from './mask_ops.js';
import { maskedDenseParity } from './masked_dense.js';
import { maskedDenseBatchedParity } from './masked_dense_batched.js';
import { pool2dParity } from './pool2d.js';
import { reluParity } from './relu.js';
import { sgdStepParity } from './sgd_step.js';
import { sigmoidBinaryCrossEntropyParity } from './sigmoid_binary_cross_entropy.js';
import { softmaxCrossEntropyParity } from './softmax_cross_entropy.js';
import { softmaxCrossEntropyBatchedParity } from './softmax_cross_entropy_batched.js';
import { sparseDenseParity } from './sparse_dense.js';
import { tensorParity } from './tensor.js';

export const parityCases: ParityCase[] = [
  ...gemmParity,
  ...maskedDenseParity,
  ...conv2dParity,
  ...pool2dParity,
  ...globalAvgPoolParity,
  ...reluParity,
  ...dropoutParity,
  ...addParity,
  ...batchNormParity,
  ...softmaxCrossEntropyParity,
  ...sigmoidBinaryCrossEntropyParity,
  ...sgdStepParity,
  ...adamStepParity,
  ...magnitudePruneParity,
  ...maskOpsParity,
  ...csrConvertParity,
  ...csrSpmmParity,
  ...gatherRowsParity,
  ...flipTranslateParity,
  ...maskedDenseBatchedParity,
  ...softmaxCrossEntropyBatchedParity,
  ...sparseDenseParity,
  ...tensorParity,
];
