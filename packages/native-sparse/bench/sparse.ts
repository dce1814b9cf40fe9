// CSR SpMM vs dense: a pruned fully connected layer y = x·(W⊙M)ᵀ at several densities.
//   ort-dense   onnxruntime-node MatMul (MLAS), Y[B,Out] = X[B,In] · (W⊙M)ᵀ, the baseline (same thread count)
//   lth-gemm    our dense gemm, same product
//   lth-csr     csrSpmm: Yᵀ[Out,B] = W_csr[Out,In] · Xᵀ[In,B] (feature-major activations, so no transposes
//               inside a network; the input is transposed once, outside the timing)
//   tfjs-dense  tfjs matMul (tfjs-node(-gpu) when importable, else tfjs-wasm), at 100% density only: a dense
//               product does not get faster with zeros, so one row per shape is the plain dense-GEMM baseline
// Every result is validated against the ort output before timing. Rates: dense-equivalent GFLOP/s
// (2·B·In·Out / time) for every impl, so the speed-up column is the ratio of times. With --device cuda the lth
// tensors live on the GPU.
import { benchDeviceOrExit } from './device.js';
import { addSpeedups, markdownTable, time, timed, validate, type BenchRow, type Timing } from './harness.js';
import { createMatMulSession } from './onnx-matmul.js';
import { loadTfjs, shortError } from './tfjs.js';
import { csrSpmm, denseToCsr, fromArray, gemm, getThreads, zeros, type Device } from '../lib/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function run(opts: { quick: boolean; device?: Device; tfjs?: boolean }): Promise<BenchRow[]> {
  const on = { device: opts.device ?? 'cpu' };
  const tfb = opts.tfjs === false ? null : await loadTfjs({ preferGpu: on.device === 'cuda' });
  const threads = getThreads();
  const shapes: Array<[number, number]> = opts.quick
    ? [[784, 300]]
    : [
        [784, 300],
        [300, 100],
      ];
  const batches = opts.quick ? [60, 512] : [1, 60, 512];
  const densities = opts.quick ? [1, 0.1, 0.02] : [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01];
  const timing = opts.quick ? { minTimeMs: 100 } : { minTimeMs: 400 };
  const rows: BenchRow[] = [];
  for (const [In, Out] of shapes) {
    const r = rng(In * 7 + Out);
    for (const density of densities) {
      // Masked weights W [Out, In] and the ort initializer Wᵀ [In, Out].
      const w = new Float32Array(Out * In);
      for (let i = 0; i < w.length; i++) w[i] = r() < density ? r() * 2 - 1 : 0;
      const wt = new Float32Array(In * Out);
      for (let o = 0; o < Out; o++) for (let i = 0; i < In; i++) wt[i * Out + o] = w[o * In + i]!;
      const W = fromArray(w, [Out, In], on);
      const A = denseToCsr(W);
      const session = await createMatMulSession(In, Out, wt, threads);
      for (const B of batches) {
        const x = new Float32Array(B * In);
        for (let i = 0; i < x.length; i++) x[i] = r() * 2 - 1;
        const xt = new Float32Array(In * B);
        for (let b = 0; b < B; b++) for (let i = 0; i < In; i++) xt[i * B + b] = x[b * In + i]!;
        const X = fromArray(x, [B, In], on);
        const XT = fromArray(xt, [In, B], on);
        const Y = zeros([B, Out], on);
        const YT = zeros([Out, B], on);
        const want = await session.run(x, B);
        gemm(X, W, { transB: true, out: Y });
        validate(`gemm ${In}->${Out} B${B} d${density}`, Y.download(), want);
        csrSpmm(A, XT, { out: YT });
        const yt = YT.download();
        const y = new Float32Array(B * Out);
        for (let o = 0; o < Out; o++) for (let b = 0; b < B; b++) y[b * Out + o] = yt[o * B + b]!;
        validate(`csr ${In}->${Out} B${B} d${density}`, y, want);

        const flops = 2 * B * In * Out;
        const group = `${In}->${Out} B${B}`;
        const kase = `${(density * 100).toFixed(0)}% (nnz ${A.nnz})`;
        const add = (impl: string, t: Timing | number) =>
          rows.push({ group, case: kase, impl, ...timed(t), rate: flops / timed(t).medianMs / 1e6, unit: 'GFLOP/s dense-eq' });
        add('ort-dense', await time(() => session.run(x, B), timing));
        add('lth-gemm', await time(() => gemm(X, W, { transB: true, out: Y }), timing));
        add('lth-csr', await time(() => csrSpmm(A, XT, { out: YT }), timing));
        if (tfb && density === 1) {
          const { tf } = tfb;
          const [tX, tW] = [tf.tensor2d(x, [B, In]), tf.tensor2d(wt, [In, Out])];
          try {
            const op = () => tf.matMul(tX, tW);
            const y0 = op();
            validate(`${tfb.backend} ${In}->${Out} B${B}`, y0.dataSync() as Float32Array, want);
            y0.dispose();
            add(
              `${tfb.backend} dense`,
              (
                await time(() => {
                  const t = op();
                  if (tfb.async) t.dataSync();
                  t.dispose();
                }, timing)
              ).medianMs,
            );
          } catch (e) {
            throw new Error(`${tfb.backend} ${In}->${Out} B${B}: ${shortError(e)}`, { cause: e });
          } finally {
            tf.dispose([tX, tW]);
          }
        }
        for (const t of [X, XT, Y, YT]) t.dispose();
      }
      await session.release();
      A.dispose();
      W.dispose();
    }
  }
  return addSpeedups(rows, 'ort-dense');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const device = benchDeviceOrExit('sparse bench', process.argv);
  const quick = process.argv.includes('--quick');
  console.log(`threads: ${getThreads()}, device ${device}`);
  console.log(markdownTable(await run({ quick, device })));
}
