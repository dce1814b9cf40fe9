// Ticket inference on the MNIST test set (10,000 images): a LeNet-300-100 ticket at several densities run
// (a) by lth dense (masked GEMM, batch 10,000), (b) by lth sparse — each layer in CSR, hᵀ = relu(W_csr·xᵀ + b)
// with the input given feature-major [784, N] (a layout chosen once per data set, not timed), (c) by
// onnxruntime-node dense on the exported ONNX file. Logits are compared across the three before timing.
// The file is exported with its float input ('normalized_pixels', --input normalized) so that all three are
// timed on the same normalised float32 batch; the default export (uint8 'pixels', Cast + Div in the graph) is
// checked against the native forward by `lth export --verify` and the core tests.
// Without --run, the ticket is LeNet-300-100 at its seeded initialisation pruned one-shot by magnitude to the
// density of IMP level L (fc 0.8^L, output 0.9^L); timings do not depend on whether it was trained, and with
// --run/--level a trained ticket is used and accuracies are reported. With --device cuda the lth paths run on the
// GPU (onnxruntime-node stays on its CPU execution provider: the baseline).
import {
  applyPlan,
  createModel,
  exportOnnx,
  initialize,
  loadDataset,
  loadTicket,
  oneShotFraction,
  parseHparams,
  planLevel,
  prepare,
  type Model,
} from '@lth/core';
import { csrSpmm, denseToCsr, fromArray, zeros, type CsrMatrix, type Device, type Tensor } from '@lth/native-sparse';
import { time, validate, type BenchRow } from '@lth/native-sparse/bench-harness';
import * as ort from 'onnxruntime-node';

interface DenseLayerView {
  W: Tensor<'f32'>;
  b: Tensor<'f32'>;
  relu: boolean;
}

function layersOf(model: Model): DenseLayerView[] {
  const ws = model.params.filter((p) => p.mask);
  const bs = model.params.filter((p) => p.kind === 'bias');
  return ws.map((w, i) => ({ W: w.value, b: bs[i]!.value, relu: i < ws.length - 1 }));
}

/** The sparse forward: CSR layers in feature-major layout; returns logitsᵀ [10, N]. */
class SparseMlp {
  private readonly csr: CsrMatrix[];
  private readonly outs: Array<Tensor<'f32'>>;
  constructor(
    private readonly layers: DenseLayerView[],
    n: number,
    device: Device,
  ) {
    this.csr = layers.map((l) => denseToCsr(l.W));
    this.outs = layers.map((l) => zeros([l.W.shape[0]!, n], { device }));
  }
  forward(xT: Tensor<'f32'>): Tensor<'f32'> {
    let h = xT;
    this.csr.forEach((A, i) => {
      h = csrSpmm(A, h, { bias: this.layers[i]!.b, relu: this.layers[i]!.relu, out: this.outs[i]! });
    });
    return h;
  }
  get nnz(): number {
    return this.csr.reduce((s, a) => s + a.nnz, 0);
  }
  dispose(): void {
    this.csr.forEach((a) => a.dispose());
    this.outs.forEach((t) => t.dispose());
  }
}

/** Copy src's weights and masks into dst (the same architecture on another device); disposes src. */
function moveTo(src: Model, dst: Model): Model {
  dst.params.forEach((p, i) => {
    const q = src.params[i]!;
    p.value.upload(q.value.download());
    if (p.mask && q.mask) p.mask.upload(q.mask.download());
  });
  src.dispose();
  return dst;
}

function accuracy(logits: Float32Array, labels: Int32Array, featureMajor: boolean): number {
  const n = labels.length;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) {
      const v = featureMajor ? logits[c * n + i]! : logits[i * 10 + c]!;
      const b = featureMajor ? logits[best * n + i]! : logits[i * 10 + best]!;
      if (v > b) best = c;
    }
    if (best === labels[i]) ok++;
  }
  return ok / n;
}

export async function run(opts: { quick: boolean; device?: Device; run?: string; level?: number }): Promise<BenchRow[]> {
  const device = opts.device ?? 'cpu';
  const ds = await loadDataset('mnist');
  const test = prepare(ds.train, ds.test, { validationSize: 0, subset: 0, seed: 1 }).test;
  const n = test.count;
  const X = fromArray(test.x, [n, 784], { device });
  const xt = new Float32Array(784 * n);
  for (let i = 0; i < n; i++) for (let f = 0; f < 784; f++) xt[f * n + i] = test.x[i * 784 + f]!;
  const XT = fromArray(xt, [784, n], { device });
  const rows: BenchRow[] = [];
  const levels = opts.run ? [opts.level ?? 0] : opts.quick ? [0, 10, 15] : [0, 3, 7, 10, 13, 15, 17, 20];
  const timing = opts.quick ? { warmup: 2, minTimeMs: 300, minRuns: 3 } : { warmup: 3, minTimeMs: 1500, minRuns: 8 };
  for (const level of levels) {
    let model: Model;
    if (opts.run) {
      const t = loadTicket(opts.run, { level });
      model = device === 'cpu' ? t.model : moveTo(t.model, createModel(t.h.model, [1, 28, 28], 10, device));
    } else {
      const h = parseHparams({ model: { model: 'lenet-300-100' } });
      model = createModel(h.model, [1, 28, 28], 10, device);
      initialize(model, h.model, 1);
      if (level > 0) applyPlan(planLevel(model.params, h.pruning, oneShotFraction(level)));
      for (const p of model.params) {
        if (!p.mask) continue;
        const w = p.value.download();
        const m = p.mask.download();
        for (let i = 0; i < w.length; i++) if (!m[i]) w[i] = 0;
        p.value.upload(w);
      }
    }
    const sparse = new SparseMlp(layersOf(model), n, device);
    const session = await ort.InferenceSession.create(exportOnnx(model, { dataset: 'mnist', input: 'normalized' }).bytes, {
      executionProviders: ['cpu'],
    });
    try {
      const total = model.params.filter((p) => p.mask).reduce((s, p) => s + p.value.numel, 0);
      const pct = (100 * sparse.nnz) / total;
      const dense = model.forward(X, false).download();
      const sp = sparse.forward(XT).download();
      const ortOut = (await session.run({ normalized_pixels: new ort.Tensor('float32', test.x, [n, 1, 28, 28]) })).logits!
        .data as Float32Array;
      const spRowMajor = new Float32Array(n * 10);
      for (let c = 0; c < 10; c++) for (let i = 0; i < n; i++) spRowMajor[i * 10 + c] = sp[c * n + i]!;
      validate(`level ${level} sparse vs dense`, spRowMajor, dense, 1e-4);
      validate(`level ${level} onnxruntime vs dense`, ortOut, dense, 1e-4);
      const acc = accuracy(dense, test.y, false);
      const c = `${pct.toFixed(1)}% weights (level ${level})`;
      const tOrt = await time(() => session.run({ normalized_pixels: new ort.Tensor('float32', test.x, [n, 1, 28, 28]) }), timing);
      const tDense = await time(() => model.forward(X, false), timing);
      const tSparse = await time(() => sparse.forward(XT), timing);
      const note = opts.run ? `test accuracy ${(100 * acc).toFixed(2)}%` : 'untrained weights (timing only)';
      rows.push({
        group: 'MNIST test-set inference (10,000)',
        case: c,
        impl: 'onnxruntime-node dense',
        medianMs: tOrt.medianMs,
        speedup: 1,
        note,
      });
      rows.push({
        group: 'MNIST test-set inference (10,000)',
        case: c,
        impl: 'lth dense',
        medianMs: tDense.medianMs,
        speedup: tOrt.medianMs / tDense.medianMs,
      });
      rows.push({
        group: 'MNIST test-set inference (10,000)',
        case: c,
        impl: 'lth sparse (CSR)',
        medianMs: tSparse.medianMs,
        speedup: tOrt.medianMs / tSparse.medianMs,
        note: `nnz ${sparse.nnz}`,
      });
    } finally {
      await session.release();
      sparse.dispose();
      model.dispose();
    }
  }
  X.dispose();
  XT.dispose();
  return rows;
}
