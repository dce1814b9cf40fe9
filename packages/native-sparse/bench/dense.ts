// Dense benchmark: the masked dense layer on LeNet-300-100 shapes, ours vs onnxruntime-node's MatMul
// (MLAS) at the same thread count (1 and 2). Forward: y = relu(x·(W⊙M)ᵀ + b) (ours, fused) against ort's
// X·B with B = (W⊙M)ᵀ given as an initializer, so ort pre-packs it once while we pack W (and apply the mask)
// on every call. Backward: dx = dy·(W⊙M) and dW = (dyᵀ·x)⊙M against ort MatMuls of the same sizes
// (dy·(W⊙M), and dyᵀ·x with x as the initializer). Every result is validated against ort before timing.
//
//   node --import tsx packages/native-sparse/bench/dense.ts [--quick] [--threads 1,2]
import {
  denseKernelInfo,
  fromArray,
  getThreads,
  maskedDenseBackward,
  maskedDenseForward,
  setThreads,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { randn, randomMask, Rng } from '../test/support/random.js';
import { addSpeedups, markdownTable, time, validate, type BenchRow } from './harness.js';
import { createMatMulSession } from './onnx-matmul.js';

const layers: Array<[number, number]> = [
  [784, 300],
  [300, 100],
  [100, 10],
];
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

export async function run(opts: { quick: boolean; threads?: number[] }): Promise<BenchRow[]> {
  const timing = opts.quick ? { warmup: 2, minTimeMs: 60, minRuns: 5 } : { warmup: 10, minTimeMs: 400, minRuns: 20 };
  const rows: BenchRow[] = [];
  const saved = getThreads();
  const live: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (live.push(t), t);
  try {
    for (const threads of opts.threads ?? threadCounts) {
      setThreads(threads);
      for (const B of batches) {
        for (const [In, Out] of layers) {
          const rng = new Rng(B * 7919 + In * 31 + Out);
          const x = randn(rng, B * In);
          const w = randn(rng, Out * In, 1 / Math.sqrt(In));
          const m = randomMask(rng, Out * In, density);
          const b = randn(rng, Out, 0.1);
          const dy = randn(rng, B * Out);
          const X = keep(fromArray(x, [B, In]));
          const W = keep(fromArray(w, [Out, In]));
          const M = keep(fromArray(m, [Out, In]));
          const Bias = keep(fromArray(b, [Out]));
          const DY = keep(fromArray(dy, [B, Out]));
          const Y = keep(zeros([B, Out]));
          const DX = keep(zeros([B, In]));
          const DW = keep(zeros([Out, In]));
          const shape = `B${B} ${In}→${Out}`;
          const flops = 2 * B * In * Out;
          const gflops = (ms: number) => flops / (ms * 1e6);

          // Forward.
          const wmT = maskedTranspose(In, Out, w, m);
          const fwd = await createMatMulSession(In, Out, wmT, threads);
          try {
            const yOrt = await fwd.run(x, B);
            maskedDenseForward(X, W, { mask: M, bias: Bias, relu: true, out: Y });
            const want = new Float32Array(B * Out);
            for (let i = 0; i < B * Out; i++) want[i] = Math.max(yOrt[i]! + b[i % Out]!, 0);
            validate(`forward ${shape}`, Y.download(), want);
            const group = `forward ${threads}T`;
            const tOurs = await time(() => maskedDenseForward(X, W, { mask: M, bias: Bias, relu: true, out: Y }), timing);
            const tOrt = await time(() => fwd.run(x, B), timing);
            rows.push({ group, case: shape, impl: 'onnxruntime MatMul', medianMs: tOrt.medianMs, rate: gflops(tOrt.medianMs), unit: 'GFLOP/s' });
            rows.push({ group, case: shape, impl: 'lth masked (bias+relu)', medianMs: tOurs.medianMs, rate: gflops(tOurs.medianMs), unit: 'GFLOP/s' });
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
            const group = `backward ${threads}T`;
            const tDx = await time(() => maskedDenseBackward(X, W, DY, { mask: M, dx: DX, dW: false, db: false }), timing);
            const tDxOrt = await time(() => bdx.run(dy, B), timing);
            const tDw = await time(() => maskedDenseBackward(X, W, DY, { mask: M, dx: false, dW: DW, db: false }), timing);
            const tDwOrt = await time(() => bdw.run(dyT, Out), timing);
            rows.push({ group, case: `dx ${shape}`, impl: 'onnxruntime MatMul', medianMs: tDxOrt.medianMs, rate: gflops(tDxOrt.medianMs), unit: 'GFLOP/s' });
            rows.push({ group, case: `dx ${shape}`, impl: 'lth masked', medianMs: tDx.medianMs, rate: gflops(tDx.medianMs), unit: 'GFLOP/s' });
            rows.push({ group, case: `dW ${shape}`, impl: 'onnxruntime MatMul', medianMs: tDwOrt.medianMs, rate: gflops(tDwOrt.medianMs), unit: 'GFLOP/s' });
            rows.push({ group, case: `dW ${shape}`, impl: 'lth masked', medianMs: tDw.medianMs, rate: gflops(tDw.medianMs), unit: 'GFLOP/s' });
          } finally {
            await bdx.release();
            await bdw.release();
          }
        }
      }
    }
  } finally {
    setThreads(saved);
    live.forEach((t) => t.dispose());
  }
  return addSpeedups(rows, 'onnxruntime MatMul');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--threads');
  const threads = at > 0 ? process.argv[at + 1]!.split(',').map(Number) : undefined;
  const rows = await run({ quick: process.argv.includes('--quick'), threads });
  const k = denseKernelInfo();
  console.log(`lth CPU GEMM: ${k.isa} ${k.mr}×${k.nr} micro-kernel; mask density ${density}; medians\n`);
  console.log(markdownTable(rows));
}
