// conv2d kernels (forward, backward data, backward filter; masked) against onnxruntime-node's Conv (MLAS)
// on the layer shapes of the Conv-2/4/6 and ResNet-20 presets. Every result is validated before timing:
// ours (on the chosen device) against the CPU C++ reference loops (on a slice of the batch, to keep that
// affordable), and ORT's forward against ours.
import {
  capabilities,
  conv2dBackwardData,
  conv2dBackwardFilter,
  conv2dForward,
  fromArray,
  getThreads,
  setKernelVariant,
  setThreads,
  type Device,
  type Tensor,
} from '../lib/index.js';
import { benchDeviceOrExit } from './device.js';
import { addSpeedups, markdownTable, time, timed, validate, type BenchRow, type Timing } from './harness.js';
import { createConvSession, type ConvSpec } from './onnx-conv.js';

interface Case extends ConvSpec {
  name: string;
  N: number;
}

const cases: Case[] = [
  { name: 'conv4 L1 3→64 32²', N: 60, C: 3, H: 32, W: 32, K: 64, R: 3, S: 3, stride: [1, 1], pad: [1, 1] },
  { name: 'conv4 L2 64→64 32²', N: 60, C: 64, H: 32, W: 32, K: 64, R: 3, S: 3, stride: [1, 1], pad: [1, 1] },
  { name: 'conv4 L4 128→128 16²', N: 60, C: 128, H: 16, W: 16, K: 128, R: 3, S: 3, stride: [1, 1], pad: [1, 1] },
  { name: 'conv6 L6 256→256 8²', N: 60, C: 256, H: 8, W: 8, K: 256, R: 3, S: 3, stride: [1, 1], pad: [1, 1] },
  { name: 'resnet20 16→16 32²', N: 128, C: 16, H: 32, W: 32, K: 16, R: 3, S: 3, stride: [1, 1], pad: [1, 1] },
  { name: 'resnet20 32→64 s2 16²', N: 128, C: 32, H: 16, W: 16, K: 64, R: 3, S: 3, stride: [2, 2], pad: [1, 1] },
  { name: 'resnet20 1×1 s2 32→64', N: 128, C: 32, H: 16, W: 16, K: 64, R: 1, S: 1, stride: [2, 2], pad: [0, 0] },
];

function randn(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()) * scale;
  return a;
}

/** names: run only these cases (default: all, or two in quick mode); forwardOnly: time no backward kernel. */
export async function run(opts: { quick: boolean; device?: Device; names?: string[]; forwardOnly?: boolean }): Promise<BenchRow[]> {
  const on = { device: opts.device ?? 'cpu' };
  const rows: BenchRow[] = [];
  const threads = getThreads();
  const timing = opts.quick ? { minTimeMs: 150, minRuns: 3, warmup: 1 } : { minTimeMs: 800, minRuns: 5, warmup: 2 };
  const list = opts.names
    ? cases.filter((c) => opts.names!.includes(c.name))
    : opts.quick
      ? cases.filter((_, i) => i === 1 || i === 4)
      : cases;
  for (const c of list) {
    const P = Math.floor((c.H + 2 * c.pad[0] - c.R) / c.stride[0]) + 1;
    const Q = Math.floor((c.W + 2 * c.pad[1] - c.S) / c.stride[1]) + 1;
    const flops = 2 * c.N * c.K * c.C * c.R * c.S * P * Q;
    const x = randn(c.N * c.C * c.H * c.W, 1);
    const w = randn(c.K * c.C * c.R * c.S, 2, 1 / Math.sqrt(c.C * c.R * c.S));
    const mask = Uint8Array.from(w, (_, i) => (((i * 2654435761) >>> 0) % 10 < 8 ? 1 : 0)); // 80% dense
    const bias = randn(c.K, 3, 0.1);
    const dy = randn(c.N * c.K * P * Q, 4);
    const X = fromArray(x, [c.N, c.C, c.H, c.W], on);
    const Wt = fromArray(w, [c.K, c.C, c.R, c.S], on);
    const M = fromArray(mask, [c.K, c.C, c.R, c.S], on);
    const B = fromArray(bias, [c.K], on);
    const DY = fromArray(dy, [c.N, c.K, P, Q], on);
    const geo = { stride: c.stride, padding: c.pad };
    const owned: Tensor[] = [X, Wt, M, B, DY];

    // Validate on two images: the fast kernels on the chosen device against the CPU C++ reference loops.
    {
      const n = 2;
      const outs = (variant: 'fast' | 'reference', device: Device) => {
        setKernelVariant(variant);
        const d = { device };
        const live = [
          fromArray(x.subarray(0, n * c.C * c.H * c.W), [n, c.C, c.H, c.W], d),
          fromArray(dy.subarray(0, n * c.K * P * Q), [n, c.K, P, Q], d),
          fromArray(w, Wt.shape, d),
          fromArray(mask, M.shape, d),
          fromArray(bias, B.shape, d),
        ] as const;
        const [xs, dys, ws, ms, bs] = live;
        try {
          const y = conv2dForward(xs, ws, { ...geo, mask: ms, bias: bs });
          const dx = conv2dBackwardData(dys, ws, xs.shape, { ...geo, mask: ms });
          const g = conv2dBackwardFilter(xs, dys, ws.shape, { ...geo, mask: ms });
          const r = [y, dx, g.dw, g.db!].map((t) => t.download());
          [y, dx, g.dw, g.db!].forEach((t) => t.dispose());
          return r;
        } finally {
          live.forEach((t) => t.dispose());
          setKernelVariant('fast');
        }
      };
      const want = outs('reference', 'cpu');
      const got = outs('fast', on.device);
      ['y', 'dx', 'dw', 'db'].forEach((k, i) => validate(`${c.name} ${k}`, got[i]!, want[i]!));
    }

    const ort = await createConvSession(c, w, bias, threads);
    const ours = conv2dForward(X, Wt, { ...geo, bias: B });
    validate(`${c.name} ort vs ours`, await ort.run(x, c.N), ours.download());
    ours.dispose();
    const Y = conv2dForward(X, Wt, { ...geo, bias: B });
    const DX = conv2dBackwardData(DY, Wt, X.shape, { ...geo, mask: M });
    const G = conv2dBackwardFilter(X, DY, Wt.shape, { ...geo, mask: M });
    owned.push(Y, DX, G.dw, G.db!);

    const push = (impl: string, group: string, t: Timing | number) =>
      rows.push({ group, case: `${c.name} N${c.N}`, impl, ...timed(t), rate: flops / timed(t).medianMs / 1e6, unit: 'GFLOP/s' });
    push('lth', 'conv2d forward', await time(() => conv2dForward(X, Wt, { ...geo, bias: B, out: Y }), timing));
    push('lth masked', 'conv2d forward', await time(() => conv2dForward(X, Wt, { ...geo, mask: M, bias: B, out: Y }), timing));
    if (!opts.forwardOnly)
      push('lth', 'conv2d backward data', await time(() => conv2dBackwardData(DY, Wt, X.shape, { ...geo, mask: M, out: DX }), timing));
    if (!opts.forwardOnly)
      push(
        'lth',
        'conv2d backward filter',
        await time(() => conv2dBackwardFilter(X, DY, Wt.shape, { ...geo, mask: M, dw: G.dw, db: G.db! }), timing),
      );
    push('onnxruntime Conv', 'conv2d forward', await time(() => ort.run(x, c.N), timing));
    await ort.release();
    owned.forEach((t) => t.dispose());
  }
  return addSpeedups(rows, 'onnxruntime Conv');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const device = benchDeviceOrExit('conv bench', process.argv);
  const quick = process.argv.includes('--quick');
  const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
  if (threadsArg) setThreads(Number(threadsArg.split('=')[1]));
  console.log(`threads ${getThreads()}, simd ${capabilities().cpu.simd}`);
  console.log(markdownTable(await run({ quick, device })));
}
