// Dense benchmark: the masked dense layer on LeNet-300-100 shapes (batch 60 and 512) and, in full mode, the
// larger first fc layer of Conv-4 (8192→256), ours vs onnxruntime-node's MatMul (MLAS) at the same thread count
// (1 and 2 on CPU) and vs tfjs (tfjs-node(-gpu) when importable, else tfjs-wasm: XNNPACK, one thread).
// Forward: y = relu(x·(W⊙M)ᵀ + b) (ours, fused) against ort's X·B with B = (W⊙M)ᵀ given as an initializer, so
// ort pre-packs it once while we pack W (and apply the mask) on every call; tfjs runs its fused
// matMul+bias+relu on the same pre-masked B. Backward: dx = dy·(W⊙M) and dW = (dyᵀ·x)⊙M against ort MatMuls of
// the same sizes (dy·(W⊙M), and dyᵀ·x with x as the initializer) and the products tfjs's autograd runs for a
// dense layer (matMul(dy, B, false, true) and matMul(x, dy, true, false)). tfjs has fixed threading, so its rows
// are timed once per shape, in the group of the largest thread count. Every result is validated before
// timing: ours and tfjs against ort. With --device cuda our tensors live on the GPU (groups say "cuda").
//
//   node --import tsx packages/native-sparse/bench/dense.ts [--quick] [--threads 1,2] [--device cpu|cuda]
import {
  denseKernelInfo,
  fromArray,
  getThreads,
  maskedDenseBackward,
  maskedDenseForward,
  setThreads,
  zeros,
  type Device,
  type Tensor,
} from '../lib/index.js';
import { randn, randomMask, Rng } from '../test/support/random.js';
import { addSpeedups, markdownTable, time, timed, validate, type BenchRow, type TimeOptions, type Timing } from './harness.js';
import { benchDeviceOrExit } from './device.js';
import { createMatMulSession } from './onnx-matmul.js';
import { loadTfjs, shortError, type TfjsBaseline } from './tfjs.js';

const lenet: Array<[number, number]> = [
  [784, 300],
  [300, 100],
  [100, 10],
];
/** Conv-4's first fc layer (128·8·8 → 256): the larger shape, full mode only. */
const larger: Array<[number, number]> = [[8192, 256]];
const batches = [60, 512];
const threadCounts = [1, 2];
const density = 0.5;

/** (W⊙M)ᵀ as [In, Out]. */
function maskedTranspose(In: number, Out: number, w: Float32Array, m: Uint8Array): Float32Array {
  const t = new Float32Array(In * Out);
  for (let o = 0; o < Out; o++) for (let i = 0; i < In; i++) t[i * Out + o] = m[o * In + i] ? w[o * In + i]! : 0;
  return t;
}

function transpose(rows: number, cols: number, a: Float32Array): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

export interface DenseOptions {
  quick: boolean;
  device?: Device;
  threads?: number[];
  /** Leave out the tfjs rows (default: included). */
  tfjs?: boolean;
  /** [In, Out] layer shapes (default: LeNet's, plus Conv-4's first fc layer in full mode). */
  shapes?: Array<[number, number]>;
}

export async function run(opts: DenseOptions): Promise<BenchRow[]> {
  const device = opts.device ?? 'cpu';
  const timing = opts.quick ? { warmup: 2, minTimeMs: 60, minRuns: 5 } : { warmup: 10, minTimeMs: 400, minRuns: 20 };
  const tfTiming = opts.quick ? { warmup: 2, minTimeMs: 60, minRuns: 3 } : { warmup: 5, minTimeMs: 400, minRuns: 10 };
  const rows: BenchRow[] = [];
  const saved = getThreads();
  // On CUDA our kernels ignore the CPU thread count: one pass, with ort on all threads.
  const threadList = device === 'cpu' ? (opts.threads ?? threadCounts) : [saved];
  const tfjsThreads = Math.max(...threadList);
  const tfb: TfjsBaseline | null = opts.tfjs === false ? null : await loadTfjs({ preferGpu: device === 'cuda' });
  const shapes = opts.shapes ?? (opts.quick ? lenet : [...lenet, ...larger]);
  const live: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (live.push(t), t);
  const on = { device };
  try {
    for (const threads of threadList) {
      setThreads(threads);
      const label = device === 'cpu' ? `${threads}T` : 'cuda';
      for (const B of batches) {
        for (const [In, Out] of shapes) {
          const rng = new Rng(B * 7919 + In * 31 + Out);
          const x = randn(rng, B * In);
          const w = randn(rng, Out * In, 1 / Math.sqrt(In));
          const m = randomMask(rng, Out * In, density);
          const b = randn(rng, Out, 0.1);
          const dy = randn(rng, B * Out);
          const X = keep(fromArray(x, [B, In], on));
          const W = keep(fromArray(w, [Out, In], on));
          const M = keep(fromArray(m, [Out, In], on));
          const Bias = keep(fromArray(b, [Out], on));
          const DY = keep(fromArray(dy, [B, Out], on));
          const Y = keep(zeros([B, Out], on));
          const DX = keep(zeros([B, In], on));
          const DW = keep(zeros([Out, In], on));
          const shape = `B${B} ${In}→${Out}`;
          const flops = 2 * B * In * Out;
          const gflops = (ms: number) => flops / (ms * 1e6);
          const withTfjs = tfb !== null && threads === tfjsThreads;
          const add = (group: string, kase: string, impl: string, t: Timing | number) =>
            rows.push({ group, case: kase, impl, ...timed(t), rate: gflops(timed(t).medianMs), unit: 'GFLOP/s' });

          // Forward.
          const wmT = maskedTranspose(In, Out, w, m);
          const fwd = await createMatMulSession(In, Out, wmT, threads);
          try {
            const yOrt = await fwd.run(x, B);
            maskedDenseForward(X, W, { mask: M, bias: Bias, relu: true, out: Y });
            const want = new Float32Array(B * Out);
            for (let i = 0; i < B * Out; i++) want[i] = Math.max(yOrt[i]! + b[i % Out]!, 0);
            validate(`forward ${shape}`, Y.download(), want);
            const group = `forward ${label}`;
            const tOurs = await time(() => maskedDenseForward(X, W, { mask: M, bias: Bias, relu: true, out: Y }), timing);
            const tOrt = await time(() => fwd.run(x, B), timing);
            add(group, shape, 'onnxruntime MatMul', tOrt);
            add(group, shape, 'lth masked (bias+relu)', tOurs);
            if (withTfjs)
              add(group, shape, `${tfb.backend} matMul (bias+relu)`, await tfjsForward(tfb, x, wmT, b, B, In, Out, want, shape, tfTiming));
          } finally {
            await fwd.release();
          }

          // Backward dx = dy·(W⊙M): ort MatMul with (W⊙M) [Out, In] as the initializer.
          const wm = transpose(In, Out, wmT);
          const bdx = await createMatMulSession(Out, In, wm, threads);
          // Backward dW = dyᵀ·x: ort MatMul X = dyᵀ [Out, B], initializer x [B, In].
          const dyT = transpose(B, Out, dy);
          const bdw = await createMatMulSession(B, In, x, threads);
          try {
            const dxOrt = await bdx.run(dy, B);
            const dwOrt = await bdw.run(dyT, Out);
            for (let i = 0; i < dwOrt.length; i++) if (!m[i]) dwOrt[i] = 0;
            maskedDenseBackward(X, W, DY, { mask: M, dx: DX, dW: false, db: false });
            maskedDenseBackward(X, W, DY, { mask: M, dx: false, dW: DW, db: false });
            validate(`backward dx ${shape}`, DX.download(), dxOrt);
            validate(`backward dW ${shape}`, DW.download(), dwOrt);
            const group = `backward ${label}`;
            const tDx = await time(() => maskedDenseBackward(X, W, DY, { mask: M, dx: DX, dW: false, db: false }), timing);
            const tDxOrt = await time(() => bdx.run(dy, B), timing);
            const tDw = await time(() => maskedDenseBackward(X, W, DY, { mask: M, dx: false, dW: DW, db: false }), timing);
            const tDwOrt = await time(() => bdw.run(dyT, Out), timing);
            const tTf = withTfjs
              ? await tfjsBackward(tfb, { x, dy, wmT, m, B, In, Out, dxWant: dxOrt, dwWant: dwOrt, shape }, tfTiming)
              : null;
            add(group, `dx ${shape}`, 'onnxruntime MatMul', tDxOrt);
            add(group, `dx ${shape}`, 'lth masked', tDx);
            if (tTf) add(group, `dx ${shape}`, `${tfb!.backend} matMul`, tTf.dx);
            add(group, `dW ${shape}`, 'onnxruntime MatMul', tDwOrt);
            add(group, `dW ${shape}`, 'lth masked', tDw);
            if (tTf) add(group, `dW ${shape}`, `${tfb!.backend} matMul`, tTf.dw);
          } finally {
            await bdx.release();
            await bdw.release();
          }
          for (const t of live.splice(0)) t.dispose();
        }
      }
    }
  } finally {
    setThreads(saved);
    live.forEach((t) => t.dispose());
  }
  return addSpeedups(rows, 'onnxruntime MatMul');
}

/** Run a tfjs op to completion (a GPU backend returns before the work is done) and free its result. */
function settle(tfb: TfjsBaseline, t: { dataSync(): unknown; dispose(): void }): void {
  if (tfb.async) t.dataSync();
  t.dispose();
}

/** tfjs fused y = relu(x·B + b), validated against `want`; returns the median ms. */
async function tfjsForward(
  tfb: TfjsBaseline,
  x: Float32Array,
  wmT: Float32Array,
  b: Float32Array,
  B: number,
  In: number,
  Out: number,
  want: Float32Array,
  shape: string,
  timing: TimeOptions,
): Promise<number> {
  const { tf } = tfb;
  const [X, Wt, Bias] = [tf.tensor2d(x, [B, In]), tf.tensor2d(wmT, [In, Out]), tf.tensor1d(b)];
  try {
    const op = () => tf.fused.matMul({ a: X, b: Wt, bias: Bias, activation: 'relu' });
    const y = op();
    validate(`${tfb.backend} forward ${shape}`, y.dataSync() as Float32Array, want);
    y.dispose();
    return (await time(() => settle(tfb, op()), timing)).medianMs;
  } catch (e) {
    throw new Error(`${tfb.backend} forward ${shape}: ${shortError(e)}`, { cause: e });
  } finally {
    tf.dispose([X, Wt, Bias]);
  }
}

/** tfjs's dense-layer gradients dx = dy·Bᵀ and dW = xᵀ·dy ([In, Out]), validated; returns median ms of each. */
async function tfjsBackward(
  tfb: TfjsBaseline,
  c: {
    x: Float32Array;
    dy: Float32Array;
    wmT: Float32Array;
    m: Uint8Array;
    B: number;
    In: number;
    Out: number;
    dxWant: Float32Array;
    dwWant: Float32Array;
    shape: string;
  },
  timing: TimeOptions,
): Promise<{ dx: number; dw: number }> {
  const { tf } = tfb;
  const { B, In, Out } = c;
  const [X, DY, Wt] = [tf.tensor2d(c.x, [B, In]), tf.tensor2d(c.dy, [B, Out]), tf.tensor2d(c.wmT, [In, Out])];
  try {
    const dxOp = () => tf.matMul(DY, Wt, false, true);
    const dwOp = () => tf.matMul(X, DY, true, false);
    const dx = dxOp();
    validate(`${tfb.backend} backward dx ${c.shape}`, dx.dataSync() as Float32Array, c.dxWant);
    dx.dispose();
    const dwT = dwOp();
    const dw = transpose(In, Out, dwT.dataSync() as Float32Array); // [Out, In], masked like ours
    dwT.dispose();
    for (let i = 0; i < dw.length; i++) if (!c.m[i]) dw[i] = 0;
    validate(`${tfb.backend} backward dW ${c.shape}`, dw, c.dwWant);
    return {
      dx: (await time(() => settle(tfb, dxOp()), timing)).medianMs,
      dw: (await time(() => settle(tfb, dwOp()), timing)).medianMs,
    };
  } catch (e) {
    throw new Error(`${tfb.backend} backward ${c.shape}: ${shortError(e)}`, { cause: e });
  } finally {
    tf.dispose([X, DY, Wt]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const device = benchDeviceOrExit('dense bench', process.argv);
  const at = process.argv.indexOf('--threads');
  const threads = at > 0 ? process.argv[at + 1]!.split(',').map(Number) : undefined;
  const rows = await run({ quick: process.argv.includes('--quick'), device, threads });
  const k = denseKernelInfo();
  console.log(`lth CPU GEMM: ${k.isa} ${k.mr}×${k.nr} micro-kernel; mask density ${density}; device ${device}; medians\n`);
  console.log(markdownTable(rows));
}
