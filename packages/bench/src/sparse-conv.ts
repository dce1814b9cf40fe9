// Why conv layers train masked-dense in sparse-aware IMP (issue 15): the best a CSR kernel could do for a conv at
// IMP's late densities, measured. Each conv layer of Conv-2/Conv-4 (CIFAR-10, batch 60, 3×3, padding 1) as an
// im2col GEMM W[Cout, Cin·9] × cols[Cin·9, B·H·W]: csrSpmm with W at density 0.9^15 ≈ 20.6% (level 15 at the
// conv rate 10%) against the dense GEMM of the same product and against the whole masked-dense conv forward.
// csrSpmm is timed without the im2col it would need; the estimate of a CSR conv forward is the masked-dense conv
// minus its GEMM part plus csrSpmm (conv − GEMM ≈ the im2col and layout work a CSR conv would do as well). csrSpmm
// is validated against the dense GEMM first. Training needs two more such products per step (dx, dW).
//   node --import tsx packages/bench/src/sparse-conv.ts
import { conv2dForward, csrSpmm, denseToCsr, fromArray, gemm, type Tensor } from '@lth/native-sparse';
import { markdownTable, time, timed, validate, type BenchRow } from '@lth/native-sparse/bench-harness';
import { randomMask, uniforms } from './sparse-layer-step.js';

const B = 60;
const DENSITY = 0.9 ** 15;
const LAYERS: Array<{ net: string; name: string; cin: number; cout: number; hw: number }> = [
  { net: 'Conv-2/4', name: 'conv1', cin: 3, cout: 64, hw: 32 },
  { net: 'Conv-2/4', name: 'conv2', cin: 64, cout: 64, hw: 32 },
  { net: 'Conv-4', name: 'conv3', cin: 64, cout: 128, hw: 16 },
  { net: 'Conv-4', name: 'conv4', cin: 128, cout: 128, hw: 16 },
];

function random(shape: number[], seed: number): Tensor<'f32'> {
  const rand = uniforms(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return fromArray(
    Float32Array.from({ length: n }, () => rand() * 2 - 1),
    shape,
    { device: 'cpu' },
  );
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const opts = { warmup: 2, minTimeMs: 300, minRuns: 5 };
  for (const l of LAYERS) {
    const K = l.cin * 9;
    const N = B * l.hw * l.hw;
    const mask = randomMask(l.cout * K, DENSITY, 5);
    const wData = random([l.cout, K], 6).download();
    for (let i = 0; i < wData.length; i++) if (!mask[i]) wData[i] = 0;
    const W = fromArray(wData, [l.cout, K], { device: 'cpu' });
    const W4 = W.reshape([l.cout, l.cin, 3, 3]);
    const M4 = fromArray(mask, [l.cout, l.cin, 3, 3], { device: 'cpu' });
    const cols = random([K, N], 7);
    const x = random([B, l.cin, l.hw, l.hw], 8);
    const csr = denseToCsr(W);
    try {
      const dense = gemm(W, cols);
      const sparse = csrSpmm(csr, cols);
      validate(`${l.name}: csrSpmm vs dense GEMM`, sparse.download(), dense.download());
      const out = fromArray(new Float32Array(l.cout * N), [l.cout, N], { device: 'cpu' });
      const conv = await time(() => conv2dForward(x, W4, { padding: 1, stride: 1, mask: M4 }), opts);
      const g = await time(() => gemm(W, cols, { out }), opts);
      const s = await time(() => csrSpmm(csr, cols, { out }), opts);
      const group = `${l.net} ${l.name} [${l.cout}×${K}]·[${K}×${N}]`;
      const c = `density ${(100 * DENSITY).toFixed(1)}%`;
      rows.push(
        { group, case: c, impl: 'masked-dense conv forward', ...timed(conv), speedup: 1 },
        { group, case: c, impl: 'dense im2col GEMM (no im2col)', ...timed(g), speedup: conv.medianMs / g.medianMs },
        { group, case: c, impl: 'csrSpmm (no im2col)', ...timed(s), speedup: conv.medianMs / s.medianMs },
        {
          group,
          case: c,
          impl: 'CSR conv forward, estimate (conv − GEMM + csrSpmm)',
          medianMs: Math.max(conv.medianMs - g.medianMs, 0) + s.medianMs,
          speedup: conv.medianMs / (Math.max(conv.medianMs - g.medianMs, 0) + s.medianMs),
        },
      );
      for (const t of [dense, sparse, out]) t.dispose();
    } finally {
      for (const t of [W4, W, M4, cols, x]) t.dispose();
      csr.dispose();
    }
  }
  process.stdout.write(`${markdownTable(rows)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`sparse-conv: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
