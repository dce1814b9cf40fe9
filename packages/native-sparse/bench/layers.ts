// Layer, pooling and loss kernels on Conv-4-sized activations (batch 60, 64 channels, 32×32): the fast
// kernels (CPU, or CUDA with --device cuda) against the plain CPU C++ reference loops they are validated
// against, as memory bandwidth (bytes read + written per call) and the speed-up over the loops.
import {
  add,
  avgPool2d,
  avgPool2dBackward,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  capabilities,
  dropout,
  dropoutBackward,
  fromArray,
  getThreads,
  globalAvgPool,
  globalAvgPoolBackward,
  maxPool2d,
  maxPool2dBackward,
  relu,
  reluBackward,
  setKernelVariant,
  setThreads,
  softmaxCrossEntropy,
  type Device,
  type Tensor,
} from '../lib/index.js';
import { benchDeviceOrExit } from './device.js';
import { addSpeedups, markdownTable, time, validate, type BenchRow } from './harness.js';

function randn(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

interface Op {
  group: string;
  bytes: number;
  /** Runs the op into preallocated outputs and returns them (for validation). */
  run(): Tensor[];
}

/** The op table with its inputs and preallocated outputs on one device (same seeded data on every device). */
function build(device: Device): { owned: Tensor[]; ops: Op[] } {
  const on = { device };
  const [N, C, H, W] = [60, 64, 32, 32];
  const n = N * C * H * W;
  const shape = [N, C, H, W];
  const x = fromArray(randn(n, 1), shape, on);
  const b = fromArray(randn(n, 2), shape, on);
  const dy = fromArray(randn(n, 3), shape, on);
  const gamma = fromArray(
    Float32Array.from({ length: C }, (_, i) => 1 + i / C),
    [C],
    on,
  );
  const beta = fromArray(randn(C, 4), [C], on);
  const rm = fromArray(new Float32Array(C), [C], on);
  const rv = fromArray(new Float32Array(C).fill(1), [C], on);
  const y = relu(x);
  const dx = reluBackward(y, dy);
  const drop = dropout(x, 0.5, 7);
  const bn = batchNormTrain(x, gamma, beta, rm, rv);
  const bng = batchNormBackward(x, gamma, bn.saveMean, bn.saveInvstd, dy);
  const pool = { kernelSize: 2, stride: 2 };
  const mp = maxPool2d(x, pool);
  const pdy = fromArray(randn(mp.y.numel, 5), mp.y.shape, on);
  const ap = avgPool2d(x, pool);
  const gp = globalAvgPool(x);
  const gdy = fromArray(randn(N * C, 6), [N, C], on);
  const [B, K] = [128, 10];
  const logits = fromArray(randn(B * K, 8), [B, K], on);
  const labels = fromArray(
    Int32Array.from({ length: B }, (_, i) => (i * 7) % K),
    [B],
    on,
  );
  const dlogits = softmaxCrossEntropy(logits, labels).dlogits!;
  const owned: Tensor[] = [
    x,
    b,
    dy,
    gamma,
    beta,
    rm,
    rv,
    y,
    dx,
    drop.y,
    drop.keep,
    bn.y,
    bn.saveMean,
    bn.saveInvstd,
    bng.dx!,
    bng.dgamma!,
    bng.dbeta!,
    mp.y,
    mp.argmax,
    pdy,
    ap,
    gp,
    gdy,
    logits,
    labels,
    dlogits,
  ];
  const f = 4; // bytes per float
  return {
    owned,
    ops: [
      { group: 'relu forward', bytes: 2 * n * f, run: () => [relu(x, { out: y })] },
      { group: 'relu backward', bytes: 3 * n * f, run: () => [reluBackward(y, dy, { out: dx })] },
      { group: 'add', bytes: 3 * n * f, run: () => [add(x, b, { out: dx })] },
      {
        group: 'dropout forward p=0.5',
        bytes: 2 * n * f + n,
        run: () => {
          const r = dropout(x, 0.5, 7, { out: drop.y, keep: drop.keep });
          return [r.y, r.keep];
        },
      },
      { group: 'dropout backward', bytes: 2 * n * f + n, run: () => [dropoutBackward(dy, drop.keep, 0.5, { out: dx })] },
      {
        group: 'batchnorm train forward',
        bytes: 3 * n * f,
        run: () => {
          rm.upload(new Float32Array(C));
          rv.upload(new Float32Array(C).fill(1));
          const r = batchNormTrain(x, gamma, beta, rm, rv, { out: bn.y, saveMean: bn.saveMean, saveInvstd: bn.saveInvstd });
          return [r.y, rm, rv];
        },
      },
      { group: 'batchnorm eval forward', bytes: 2 * n * f, run: () => [batchNormEval(x, gamma, beta, rm, rv, { out: dx })] },
      {
        group: 'batchnorm backward',
        bytes: 5 * n * f,
        run: () => {
          const g = batchNormBackward(x, gamma, bn.saveMean, bn.saveInvstd, dy, { dx: bng.dx!, dgamma: bng.dgamma!, dbeta: bng.dbeta! });
          return [g.dx!, g.dgamma!, g.dbeta!];
        },
      },
      {
        group: 'maxpool 2×2 forward',
        bytes: n * f + (n / 4) * 8,
        run: () => {
          const r = maxPool2d(x, { ...pool, out: mp.y, argmax: mp.argmax });
          return [r.y, r.argmax];
        },
      },
      {
        group: 'maxpool 2×2 backward',
        bytes: n * f + (n / 4) * 8,
        run: () => [maxPool2dBackward(pdy, mp.argmax, shape, { ...pool, out: dx })],
      },
      { group: 'avgpool 2×2 forward', bytes: n * f + (n / 4) * f, run: () => [avgPool2d(x, { ...pool, out: ap })] },
      { group: 'avgpool 2×2 backward', bytes: n * f + (n / 4) * f, run: () => [avgPool2dBackward(pdy, shape, { ...pool, out: dx })] },
      { group: 'global avgpool forward', bytes: n * f, run: () => [globalAvgPool(x, { out: gp })] },
      { group: 'global avgpool backward', bytes: n * f, run: () => [globalAvgPoolBackward(gdy, shape, { out: dx })] },
      { group: 'softmax CE 128×10', bytes: 2 * B * K * f, run: () => [softmaxCrossEntropy(logits, labels, { dlogits }).dlogits!] },
    ],
  };
}

export async function run(opts: { quick: boolean; device?: Device }): Promise<BenchRow[]> {
  const device = opts.device ?? 'cpu';
  const ref = build('cpu');
  const fast = device === 'cpu' ? ref : build(device);
  const shape = [60, 64, 32, 32];
  const timing = opts.quick ? { minTimeMs: 100, minRuns: 3, warmup: 1 } : { minTimeMs: 500, minRuns: 5, warmup: 2 };
  const rows: BenchRow[] = [];
  for (const [k, op] of fast.ops.entries()) {
    const refOp = ref.ops[k]!;
    setKernelVariant('reference');
    const want = refOp.run().map((t) => t.download());
    const tRef = await time(() => refOp.run(), timing);
    setKernelVariant('fast');
    op.run().forEach((t, i) => validate(`${op.group} output ${i}`, t.download(), want[i]!, 1e-4));
    const tFast = await time(() => op.run(), timing);
    for (const [impl, t] of [
      ['reference loops', tRef],
      ['lth', tFast],
    ] as const) {
      rows.push({ group: op.group, case: `[${shape}]`, impl, medianMs: t.medianMs, rate: op.bytes / t.medianMs / 1e6, unit: 'GB/s' });
    }
  }
  new Set([...ref.owned, ...fast.owned]).forEach((t) => t.dispose());
  return addSpeedups(rows, 'reference loops');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const device = benchDeviceOrExit('layers bench', process.argv);
  const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
  if (threadsArg) setThreads(Number(threadsArg.split('=')[1]));
  console.log(`threads ${getThreads()}, simd ${capabilities().cpu.simd}`);
  console.log(markdownTable(await run({ quick: process.argv.includes('--quick'), device })));
}
