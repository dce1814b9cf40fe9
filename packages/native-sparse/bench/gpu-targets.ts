// The CUDA backend issue's performance lines, our side, at PyTorch's shapes (scripts/gpu/torch_kernels.py runs
// the same cases with cuBLAS/torch on the same GPU):
//   masked dense forward 4096 -> 4096 at batch 512 (50% density), fused bias + ReLU   target >= 0.7x torch
//   CSR SpMM 4096 x 4096 (50..1% density) x [4096, 512]                                target: faster than torch
//                                                                                      dense from 80% sparsity
//   global magnitude selection over 25.6M weights (16M + 8M + 1.6M), 80% pruned       target <= 2x one read
// Every result is checked against the CPU kernels on the same inputs before it is timed (masks bit for bit).
// Needs no onnxruntime or tfjs, so it runs from the GPU bundle (scripts/gpu/pack.mjs).
//
//   node --import tsx packages/native-sparse/bench/gpu-targets.ts [--device cuda|cpu] [--quick] [--json FILE]
//     [--torch FILE]   torch_kernels.py's JSON from the same GPU: print the side-by-side table with verdicts
// --device cpu (default cuda) and --quick exist to check the script here; their timings say nothing of a GPU.
import { readFileSync, writeFileSync } from 'node:fs';
import { csrSpmm, denseToCsr, fromArray, magnitudePrune, maskedDenseForward, relu, type Device, type Tensor } from '../lib/index.js';
import { randn, randomMask, Rng } from '../test/support/random.js';
import { benchDeviceOrExit } from './device.js';
import { time, validate } from './harness.js';

interface Row {
  case: string;
  ms: number;
  gflops?: number;
  gbps?: number;
}

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const device: Device = args.includes('--device')
  ? benchDeviceOrExit('gpu-targets', args)
  : benchDeviceOrExit('gpu-targets', ['--device', 'cuda']);
const quick = args.includes('--quick');
const [width, batch] = quick ? [1024, 128] : [4096, 512];
const selectSizes = quick ? [1_600_000, 800_000, 160_000] : [16_000_000, 8_000_000, 1_600_000];
const timing = { warmup: 3, minTimeMs: quick ? 200 : 1000, minRuns: 10 };
const rows: Row[] = [];
const live: Tensor[] = [];
const on = <T extends Tensor>(t: T): T => {
  live.push(t);
  return t;
};
const rng = new Rng(7);

// ---- masked dense forward ----------------------------------------------------------------------------------
const x = randn(rng, batch * width);
const W = randn(rng, width * width, 1 / Math.sqrt(width));
const mask = randomMask(rng, width * width, 0.5);
const bias = randn(rng, width);
{
  const args2 = (d: Device) => ({
    x: on(fromArray(x, [batch, width], { device: d })),
    W: on(fromArray(W, [width, width], { device: d })),
    mask: on(fromArray(mask, [width, width], { device: d })),
    bias: on(fromArray(bias, [width], { device: d })),
  });
  const g = args2(device);
  const c = device === 'cpu' ? g : args2('cpu');
  const out = on(maskedDenseForward(g.x, g.W, { mask: g.mask, bias: g.bias, relu: true }));
  validate('masked dense', out.download(), on(maskedDenseForward(c.x, c.W, { mask: c.mask, bias: c.bias, relu: true })).download(), 1e-4);
  const t = await time(() => maskedDenseForward(g.x, g.W, { mask: g.mask, bias: g.bias, relu: true, out }), timing);
  rows.push({
    case: `masked dense fwd ${width}->${width} B${batch}`,
    ms: t.medianMs,
    gflops: (2 * batch * width * width) / t.medianMs / 1e6,
  });
}

// ---- CSR SpMM: C[width, batch] = A[width, width] · B[width, batch] (feature-major activations) ----------------
{
  const B = randn(rng, width * batch);
  const Bg = on(fromArray(B, [width, batch], { device }));
  const Bc = device === 'cpu' ? Bg : on(fromArray(B, [width, batch]));
  for (const density of [0.5, 0.2, 0.1, 0.05, 0.02, 0.01]) {
    const m = randomMask(rng, width * width, density);
    const csr = (d: Device) =>
      denseToCsr(on(fromArray(W, [width, width], { device: d })), { mask: on(fromArray(m, [width, width], { device: d })) });
    const A = csr(device);
    const Ac = device === 'cpu' ? A : csr('cpu');
    const out = on(csrSpmm(A, Bg));
    validate(`csr ${density}`, out.download(), on(csrSpmm(Ac, Bc)).download(), 1e-4);
    const t = await time(() => csrSpmm(A, Bg, { out }), timing);
    rows.push({
      case: `CSR SpMM ${width}x${width} at ${100 * density}% x [${width},${batch}]`,
      ms: t.medianMs,
      gflops: (2 * A.nnz * batch) / t.medianMs / 1e6,
    });
    A.dispose();
    if (Ac !== A) Ac.dispose();
  }
}

// ---- global magnitude selection -------------------------------------------------------------------------------
{
  const total = selectSizes.reduce((a, b) => a + b, 0);
  const ws = selectSizes.map((n) => randn(rng, n));
  const Wg = ws.map((w) => on(fromArray(w, [w.length], { device })));
  const count = Math.round(0.8 * total);
  const got = magnitudePrune(
    Wg,
    Wg.map(() => null),
    count,
  ).map((t) => on(t));
  const want =
    device === 'cpu'
      ? got
      : magnitudePrune(
          ws.map((w) => on(fromArray(w, [w.length]))),
          ws.map(() => null),
          count,
        ).map((t) => on(t));
  let pruned = 0;
  got.forEach((t, i) => {
    const a = t.download();
    const b = want[i]!.download();
    for (let j = 0; j < a.length; j++) {
      if (a[j] !== b[j]) throw new Error(`selection: mask ${i} differs from the CPU's at ${j}; not timing a wrong result`);
      if (!a[j]) pruned++;
    }
  });
  if (pruned !== count) throw new Error(`selection pruned ${pruned}, expected ${count}`);
  const outs = got;
  const t = await time(
    () =>
      magnitudePrune(
        Wg,
        Wg.map(() => null),
        count,
        { out: outs },
      ),
    { ...timing, warmup: 1, minRuns: 5 },
  );
  rows.push({ case: `global magnitude selection, ${(total / 1e6).toFixed(1)}M weights, 80%`, ms: t.medianMs });
  // Our own bandwidth estimate: relu over the largest tensor reads and writes it once each (8 bytes/weight).
  const big = Wg[0]!;
  const y = on(relu(big));
  const tr = await time(() => relu(big, { out: y }), timing);
  const gbps = (8 * big.numel) / tr.medianMs / 1e6;
  rows.push({ case: `relu over ${(big.numel / 1e6).toFixed(1)}M (read + write): bandwidth`, ms: tr.medianMs, gbps });
  rows.push({ case: `one read of ${(total / 1e6).toFixed(1)}M fp32 weights at that bandwidth (estimate)`, ms: (4 * total) / gbps / 1e6 });
}
for (const t of live) if (!t.disposed) t.dispose();

const fmt = (r: Row) =>
  `| ${r.case} | ${r.ms.toFixed(4)} | ${r.gflops !== undefined ? `${r.gflops.toFixed(0)} GFLOP/s` : r.gbps !== undefined ? `${r.gbps.toFixed(0)} GB/s` : ''} |`;
console.log(`# lth on ${device}${quick ? ' (QUICK sizes)' : ''}`);
console.log('| case | median ms | rate |\n|---|---:|---:|');
for (const r of rows) console.log(fmt(r));
const jsonOut = argValue('--json');
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ device, quick, rows }, null, 2)}\n`);

// ---- side by side with PyTorch ---------------------------------------------------------------------------------
const torchFile = argValue('--torch');
if (torchFile) {
  const torch = JSON.parse(readFileSync(torchFile, 'utf8')) as {
    device: string;
    torch: string;
    quick: boolean;
    rows: Array<{ case: string; impl: string; ms: number; gbps?: number }>;
  };
  if (torch.quick !== quick)
    throw new Error(`${torchFile} was measured with quick=${torch.quick}, this run with quick=${quick}: sizes differ`);
  const find = (re: RegExp) => torch.rows.find((r) => re.test(r.case));
  const [tMasked, tDense, tSelect, tRead] = [find(/^masked dense/), find(/^dense GEMM/), find(/selection/), find(/^one read/)];
  const ours = (re: RegExp) => rows.filter((r) => re.test(r.case));
  const lines = [
    `# side by side on ${torch.device} (PyTorch ${torch.torch})`,
    '| target | lth ms | PyTorch ms | ratio | met |',
    '|---|---:|---:|---:|---|',
  ];
  const verdict = (ok: boolean) => (ok ? 'yes' : 'NO');
  const masked = ours(/^masked dense/)[0]!;
  if (tMasked)
    lines.push(
      `| masked dense fwd ≥ 0.7× PyTorch (fp32, TF32 off) | ${masked.ms.toFixed(3)} | ${tMasked.ms.toFixed(3)} | ${(tMasked.ms / masked.ms).toFixed(2)}× | ${verdict(tMasked.ms / masked.ms >= 0.7)} |`,
    );
  if (tDense) {
    for (const r of ours(/^CSR SpMM/)) {
      const pct = Number(/at ([\d.]+)%/.exec(r.case)![1]);
      const need = pct <= 20;
      lines.push(
        `| ${r.case} vs PyTorch dense${need ? ' (must be faster)' : ''} | ${r.ms.toFixed(3)} | ${tDense.ms.toFixed(3)} | ${(tDense.ms / r.ms).toFixed(2)}× | ${need ? verdict(r.ms < tDense.ms) : '—'} |`,
      );
    }
  }
  const sel = ours(/selection/)[0]!;
  if (tRead)
    lines.push(
      `| selection ≤ 2× one read (PyTorch's w.sum, ${tRead.gbps?.toFixed(0) ?? '?'} GB/s) | ${sel.ms.toFixed(3)} | ${tRead.ms.toFixed(3)} | ${(sel.ms / tRead.ms).toFixed(2)}× a read | ${verdict(sel.ms <= 2 * tRead.ms)} |`,
    );
  if (tSelect)
    lines.push(
      `| selection vs torch.kthvalue | ${sel.ms.toFixed(3)} | ${tSelect.ms.toFixed(3)} | ${(tSelect.ms / sel.ms).toFixed(2)}× | — |`,
    );
  console.log(`\n${lines.join('\n')}`);
}
