// LeNet-300-100 training step (forward, backward, Adam; batch 60, 50% density): lth vs a plain numpy/OpenBLAS
// loop (baselines/lenet_numpy_step.py) on the same initial weights, masks and batch. Runs only where python3
// with numpy is present (else no rows, and a line saying why). Before timing, numpy's first step must agree
// with lth's: the loss to 1e-4 relative and every updated weight and bias to 1e-3 of the tensor's largest
// value. numpy runs OpenBLAS on as many threads as lth (OPENBLAS_NUM_THREADS); OPENBLAS_CORETYPE is passed on
// when set (Haswell = its AVX2 kernels).
//   node --import tsx packages/bench/src/numpy-baseline.ts [--quick] [--threads n]   (LTH_SIMD=avx2: lth's AVX2 path)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Optimizer, parseHparams } from '@lth/core';
import { fromArray, getThreads, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { time, type BenchRow } from '@lth/native-sparse/bench-harness';
import { buildOurs, NETS } from './training-step.js';

const B = 60;
const LR = 1.2e-3;
const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'baselines', 'lenet_numpy_step.py');

interface NumpyResult {
  loss: number;
  median_ms: number;
  min_ms: number;
  runs: number;
  numpy: string;
  blas: string;
  coretype: string;
  threads: string;
}

/** Why the numpy baseline cannot run here, or null. */
export function numpyUnavailable(): string | null {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return 'python3 not found';
  return r.status === 0 ? null : 'python3 has no numpy';
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const why = numpyUnavailable();
  if (why) {
    console.log(`numpy baseline skipped: ${why}`);
    return [];
  }
  const net = NETS.find((n) => n.model === 'lenet-300-100')!;
  const model = buildOurs(net, 1, 'cpu');
  const h = parseHparams({ training: { optimizer: 'adam', lr: LR } });
  const optimizer = new Optimizer(model.params, h.training);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const xs = Float32Array.from({ length: B * 784 }, rnd);
  const ys = Int32Array.from({ length: B }, (_, i) => i % 10);
  const X = fromArray(xs, [B, ...net.input]);
  const Y = fromArray(ys, [B]);
  const D = zeros([B, 10]);
  const dir = mkdtempSync(join(tmpdir(), 'lth-numpy-'));
  try {
    // The layers in forward order: each masked weight [out, in] and the bias after it.
    const layers = model.params.flatMap((p, i) => (p.mask ? [{ name: p.layer, w: p, b: model.params[i + 1]! }] : []));
    for (const l of layers) {
      writeFileSync(join(dir, `${l.name}.w.f32`), l.w.value.download());
      writeFileSync(join(dir, `${l.name}.b.f32`), l.b.value.download());
      writeFileSync(join(dir, `${l.name}.m.f32`), Float32Array.from(l.w.mask!.download()));
    }
    writeFileSync(join(dir, 'x.f32'), xs);
    writeFileSync(join(dir, 'y.i32'), ys);
    const timing = opts.quick ? { warmup: 3, min_time_ms: 500, min_runs: 10 } : { warmup: 20, min_time_ms: 3000, min_runs: 50 };
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        batch: B,
        lr: LR,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        ...timing,
        layers: layers.map((l) => ({ name: l.name, out: l.w.shape[0], in: l.w.shape[1] })),
      }),
    );

    const step = (): number => {
      const r = softmaxCrossEntropy(model.forward(X, true), Y, { dlogits: D });
      model.backward(D);
      optimizer.apply(LR);
      return r.loss;
    };
    const loss0 = step();
    const threads = getThreads();
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    const py = spawnSync('python3', [script, dir], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
    if (py.status !== 0) throw new Error(`numpy baseline failed: ${py.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const res = JSON.parse(py.stdout.trim().split('\n').pop()!) as NumpyResult;

    // Validate numpy's first step against lth's before any timing counts.
    if (!(Math.abs(res.loss - loss0) <= 1e-4 * Math.abs(loss0))) {
      throw new Error(`numpy baseline: first-step loss ${res.loss} vs lth ${loss0}`);
    }
    let worst = 0;
    for (const l of layers) {
      for (const [p, file] of [
        [l.w, `after_${l.name}.w.f32`],
        [l.b, `after_${l.name}.b.f32`],
      ] as const) {
        const ours = p.value.download();
        const buf = readFileSync(join(dir, file)); // a small file's Buffer sits inside a shared pool: copy it out
        const theirs = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
        let scale = 0,
          diff = 0;
        for (let i = 0; i < ours.length; i++) {
          scale = Math.max(scale, Math.abs(ours[i]!));
          diff = Math.max(diff, Math.abs(ours[i]! - theirs[i]!));
        }
        if (!(diff <= 1e-3 * scale)) throw new Error(`numpy baseline: ${p.name} after one step differs by ${diff} (scale ${scale})`);
        worst = Math.max(worst, diff / scale);
      }
    }
    const ours = await time(step, { warmup: timing.warmup, minTimeMs: timing.min_time_ms, minRuns: timing.min_runs });
    const c = `${net.name} batch ${B}, 50% density, ${threads} thread${threads > 1 ? 's' : ''}`;
    return [
      {
        group: 'training step vs numpy',
        case: c,
        impl: `numpy ${res.numpy} loop (${res.blas}, core ${res.coretype})`,
        medianMs: res.median_ms,
        minMs: res.min_ms,
        speedup: 1,
        note: `first step agrees with lth: loss ${res.loss.toFixed(6)} vs ${loss0.toFixed(6)}, updated weights within ${worst.toExponential(1)} of each tensor's largest`,
      },
      {
        group: 'training step vs numpy',
        case: c,
        impl: 'lth',
        medianMs: ours.medianMs,
        minMs: ours.minMs,
        speedup: res.median_ms / ours.medianMs,
        note: `fastest step: lth ${ours.minMs.toFixed(3)} ms, numpy ${res.min_ms.toFixed(3)} ms (${(res.min_ms / ours.minMs).toFixed(2)}×); runs: lth ${ours.runs}, numpy ${res.runs}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    X.dispose();
    Y.dispose();
    D.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { markdownTable } = await import('@lth/native-sparse/bench-harness');
  const { setThreads } = await import('@lth/native-sparse');
  const at = process.argv.indexOf('--threads');
  if (at > 0) setThreads(Number(process.argv[at + 1]));
  const rows = await run({ quick: process.argv.includes('--quick') });
  if (rows.length)
    console.log(
      `${markdownTable(rows)}\n\n${rows
        .filter((r) => r.note)
        .map((r) => `- ${r.impl}: ${r.note}`)
        .join('\n')}`,
    );
}
