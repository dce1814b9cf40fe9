// The addon's exports, declared once (in the style of onnxruntime-node's binding.ts). The addon owns the meaning
// of every argument: it checks types, dtypes, shapes, geometry, devices and aliasing, allocates the outputs not
// passed, and throws errors with a stable `.code` (src/binding/args.h). The files in ops/ only type the calls
// and document them; nothing here re-checks an argument.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LthError } from './errors.js';
import type { AddOptions } from './ops/add.js';
import type {
  BatchNormBackwardOptions,
  BatchNormEvalOptions,
  BatchNormGrads,
  BatchNormTrainOptions,
  BatchNormTrainResult,
} from './ops/batchnorm.js';
import type {
  Conv2dBackwardDataOptions,
  Conv2dBackwardFilterOptions,
  Conv2dFilterGrads,
  Conv2dForwardOptions,
  Conv2dGeometry,
} from './ops/conv2d.js';
import type { CsrMatrixData, DenseToCsrOptions } from './ops/csr_convert.js';
import type { CsrSpmmOptions } from './ops/csr_spmm.js';
import type { DropoutOptions, DropoutResult } from './ops/dropout.js';
import type { FlipTranslateOptions } from './ops/flip_translate.js';
import type { GatherRowsOptions, Rows } from './ops/gather_rows.js';
import type { DenseKernelInfo, GemmOptions } from './ops/gemm.js';
import type { GlobalAvgPoolOptions } from './ops/global_avgpool.js';
import type { MagnitudePruneOptions } from './ops/magnitude_prune.js';
import type { ShuffleMaskOptions } from './ops/mask_ops.js';
import type { DenseBackwardOptions, DenseForwardOptions, DenseGrads } from './ops/masked_dense.js';
import type { BatchedDenseBackwardOptions, BatchedDenseForwardOptions, BatchedDenseGrads } from './ops/masked_dense_batched.js';
import type { AvgPool2dOptions, MaxPool2dBackwardOptions, MaxPool2dOptions, MaxPool2dResult, Pool2dGeometry } from './ops/pool2d.js';
import type { ReluOptions } from './ops/relu.js';
import type { AdamOptions } from './ops/adam_step.js';
import type { SgdOptions } from './ops/sgd_step.js';
import type { SparseDenseBackwardOptions, SparseDenseForwardOptions, SparseDenseStructureData } from './ops/sparse_dense.js';
import type { LossOptions, SigmoidBinaryCrossEntropyResult } from './ops/sigmoid_binary_cross_entropy.js';
import type { SoftmaxCrossEntropyResult } from './ops/softmax_cross_entropy.js';
import type { SoftmaxCrossEntropyBatchedResult } from './ops/softmax_cross_entropy_batched.js';
import type { DeviceRequest, Device, DType, Tensor, TensorOptions } from './tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;
type I32 = Tensor<'i32'>;

export interface CudaDevice {
  index: number;
  name: string;
  computeCapability: string;
  totalMemory: number;
  multiprocessors: number;
}

export type SimdPath = 'generic' | 'avx2' | 'avx512' | 'neon';

export interface Capabilities {
  /**
   * simd: the SIMD path the CPU kernels run (the widest available, or env LTH_SIMD's choice); simdAvailable: the
   * paths this CPU has; simdNote: why simd differs from LTH_SIMD's request (a path this CPU lacks).
   */
  cpu: { threads: number; simd: SimdPath; simdAvailable: SimdPath[]; simdNote?: string };
  /** `kernels` equals `compiled`: a CUDA build has a kernel for every op. */
  cuda: { compiled: boolean; kernels: boolean; archs: number[]; runtimeVersion: number; devices: CudaDevice[] };
}

/** Every export of the addon, with the signature it is called with. */
export interface Binding {
  Tensor: abstract new (...args: never[]) => Tensor;
  // tensor.cpp
  zeros<D extends DType = 'f32'>(shape: readonly number[], opts?: TensorOptions<D>): Tensor<D>;
  fromArray<A extends Float32Array | Uint8Array | Int32Array>(
    data: A,
    shape: readonly number[],
    opts?: { device?: DeviceRequest },
  ): Tensor<A extends Float32Array ? 'f32' : A extends Uint8Array ? 'u8' : 'i32'>;
  numelOf(shape: readonly number[]): number;
  resolveDevice(request?: DeviceRequest): Device;
  // runtime.cpp
  capabilities(): Capabilities;
  setThreads(n: number): void;
  getThreads(): number;
  setKernelVariant(v: 'fast' | 'reference'): void;
  getKernelVariant(): 'fast' | 'reference';
  // ops, one binding file each
  gemm(A: F32, B: F32, opts?: GemmOptions): F32;
  denseKernelInfo(): DenseKernelInfo;
  maskedDenseForward(x: F32, W: F32, opts?: DenseForwardOptions): F32;
  maskedDenseBackward(x: F32, W: F32, dy: F32, opts?: DenseBackwardOptions): DenseGrads;
  maskedDenseForwardBatched(x: F32, W: F32, opts?: BatchedDenseForwardOptions): F32;
  maskedDenseBackwardBatched(x: F32, W: F32, dy: F32, opts?: BatchedDenseBackwardOptions): BatchedDenseGrads;
  sparseDenseStructure(mask: U8): SparseDenseStructureData;
  sparseDenseForward(x: F32, W: F32, s: SparseDenseStructureData, opts?: SparseDenseForwardOptions): F32;
  sparseDenseBackward(x: F32, W: F32, dy: F32, s: SparseDenseStructureData, opts?: SparseDenseBackwardOptions): DenseGrads;
  conv2dOutputShape(xShape: readonly number[], wShape: readonly number[], geo?: Conv2dGeometry): number[];
  conv2dForward(x: F32, w: F32, opts?: Conv2dForwardOptions): F32;
  conv2dBackwardData(dy: F32, w: F32, inputShape: readonly number[], opts?: Conv2dBackwardDataOptions): F32;
  conv2dBackwardFilter(x: F32, dy: F32, weightShape: readonly number[], opts?: Conv2dBackwardFilterOptions): Conv2dFilterGrads;
  pool2dOutputShape(inputShape: readonly number[], geo: Pool2dGeometry): number[];
  maxPool2d(x: F32, opts: MaxPool2dOptions): MaxPool2dResult;
  maxPool2dBackward(dy: F32, argmax: I32, inputShape: readonly number[], opts: MaxPool2dBackwardOptions): F32;
  avgPool2d(x: F32, opts: AvgPool2dOptions): F32;
  avgPool2dBackward(dy: F32, inputShape: readonly number[], opts: AvgPool2dOptions): F32;
  globalAvgPool(x: F32, opts?: GlobalAvgPoolOptions): F32;
  globalAvgPoolBackward(dy: F32, inputShape: readonly number[], opts?: GlobalAvgPoolOptions): F32;
  relu(x: F32, opts?: ReluOptions): F32;
  reluBackward(y: F32, dy: F32, opts?: ReluOptions): F32;
  dropout(x: F32, p: number, seed: number | bigint, opts?: DropoutOptions): DropoutResult;
  dropoutBackward(dy: F32, keep: U8, p: number, opts?: ReluOptions): F32;
  add(a: F32, b: F32, opts?: AddOptions): F32;
  batchNormTrain(
    x: F32,
    gamma: F32 | null,
    beta: F32 | null,
    runningMean: F32 | null,
    runningVar: F32 | null,
    opts?: BatchNormTrainOptions,
  ): BatchNormTrainResult;
  batchNormEval(x: F32, gamma: F32 | null, beta: F32 | null, runningMean: F32, runningVar: F32, opts?: BatchNormEvalOptions): F32;
  batchNormBackward(x: F32, gamma: F32 | null, saveMean: F32, saveInvstd: F32, dy: F32, opts?: BatchNormBackwardOptions): BatchNormGrads;
  softmaxCrossEntropy(logits: F32, labels: I32, opts?: LossOptions): SoftmaxCrossEntropyResult;
  softmaxCrossEntropyBatched(logits: F32, labels: I32, opts?: LossOptions): SoftmaxCrossEntropyBatchedResult;
  sigmoidBinaryCrossEntropy(logits: F32, labels: F32, opts?: LossOptions): SigmoidBinaryCrossEntropyResult;
  sgdStep(w: F32, g: F32, opts: SgdOptions): void;
  adamStep(w: F32, g: F32, opts: AdamOptions): void;
  magnitudePrune(weights: F32[], masks: Array<U8 | null | undefined>, count: number, opts?: MagnitudePruneOptions): U8[];
  countNonzero(mask: U8): number;
  shuffleMask(mask: U8, seed: number | bigint, opts?: ShuffleMaskOptions): U8;
  denseNnz(W: F32, opts?: DenseToCsrOptions): number;
  denseToCsr(W: F32, opts?: DenseToCsrOptions): CsrMatrixData;
  csrToDense(A: CsrMatrixData, opts?: { out?: F32 }): F32;
  csrSpmm(A: CsrMatrixData, B: F32, opts?: CsrSpmmOptions): F32;
  gatherRows<T extends Rows>(table: T, index: I32, opts?: GatherRowsOptions<T>): T;
  flipTranslate(src: F32, params: I32, opts?: FlipTranslateOptions): F32;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function candidates(): string[] {
  const fromEnv = process.env.LTH_NATIVE_PATH;
  const pkg = join(here, '..');
  return [...(fromEnv ? [fromEnv] : []), join(pkg, 'build', 'Release', 'lth_native.node'), join(pkg, 'build', 'Debug', 'lth_native.node')];
}

let loaded: Binding | undefined;

/** The addon, loaded once (LTH_NATIVE_PATH picks another build). Throws a message that says how to build it. */
export function binding(): Binding {
  if (loaded) return loaded;
  const tried = candidates();
  const path = tried.find((p) => existsSync(p));
  if (!path) {
    throw new Error(
      `lth native addon not built (looked in: ${tried.join(', ')}). Run \`npm install\` at the repository root, ` +
        'or `npm run build -w @lth/native-sparse`.',
    );
  }
  const addon = require(path) as Binding;
  guardTensorMethods(addon.Tensor);
  loaded = addon;
  return loaded;
}

/**
 * An export of the addon as a function that loads the addon on first call (so importing this package never
 * needs the build); typed by its entry in Binding.
 */
export function bound<K extends keyof Omit<Binding, 'Tensor'>>(name: K): Binding[K] {
  return ((...args: unknown[]) => (binding()[name] as (...a: unknown[]) => unknown)(...args)) as Binding[K];
}

/**
 * The native Tensor methods throw V8's bare TypeError 'Illegal invocation' when called detached
 * (`const f = t.download; f()`) or on another object, before C++ is reached. Each is wrapped once so such a
 * call is an ERR_ARG naming the method instead.
 */
function guardTensorMethods(ctor: Binding['Tensor']): void {
  const proto = ctor.prototype as Record<string, unknown>;
  const check = (self: unknown, name: string): void => {
    if (typeof self !== 'object' || self === null || !(self instanceof ctor)) {
      throw new LthError(
        'ERR_ARG',
        `Tensor.${name}: called on ${self === null ? 'null' : typeof self}, not a Tensor (call it as tensor.${name}(...))`,
      );
    }
  };
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name)!;
    if (name === 'constructor') continue;
    if (typeof d.value === 'function') {
      const f = d.value as (...a: unknown[]) => unknown;
      Object.defineProperty(proto, name, {
        ...d,
        value: function guarded(this: unknown, ...a: unknown[]): unknown {
          check(this, name);
          return f.apply(this, a);
        },
      });
    } else if (d.get) {
      const get = d.get as () => unknown;
      Object.defineProperty(proto, name, {
        ...d,
        get(this: unknown): unknown {
          check(this, name);
          return get.call(this);
        },
      });
    }
  }
}
