// Export a stored ticket (one level of one trial of a run) and verify it in onnxruntime-node.
import { RUN_HPARAMS_HINT, readStoreJson } from '../store/read-json.js';
import { fromArray } from '@lth/native-sparse';
import * as ort from 'onnxruntime-node';
import type { ImageSet } from '../data/idx.js';
import { normalizedSplit, type PreparedData } from '../data/prepare.js';
import { DATASETS, type DatasetName } from '../data/registry.js';
import { hparamsHash } from '../hparams/hash.js';
import { PRESETS, resolveHparams } from '../hparams/presets.js';
import { parseHparams, type Hparams } from '../hparams/schema.js';
import { applyMasks, loadMasks, loadWeights } from '../lottery/weights.js';
import { density } from '../prune/strategy.js';
import { createModel } from '../models/registry.js';
import type { Model } from '../models/types.js';
import { levelDir, levelFile, runHparamsFile } from '../store/layout.js';
import { OnnxExportError } from './errors.js';
import { exportOnnx, type ExportResult } from './export.js';
import type { InputFormat } from './input.js';
import { readOnnxSignature } from './inspect.js';

export interface LevelExportOptions {
  trial?: number;
  level: number;
  /** 'final' (trained weights, default) or 'init' (the ticket at initialisation). */
  weights?: 'final' | 'init';
  sparse?: boolean;
  /** Fold batch norms into the preceding convolutions (see ExportOptions.foldBatchNorm). */
  foldBatchNorm?: boolean;
  /** 'pixels' (default, raw uint8 normalised in the graph) or 'normalized' (see ExportOptions.input). */
  input?: InputFormat;
}

/** The image data set of a run; the XOR experiment has none to export for. */
export function imageDataset(h: Hparams): DatasetName {
  const d = h.dataset.dataset;
  if (d === 'xor') throw new OnnxExportError('the xor experiment has no image input to export');
  return d;
}

export function exampleShape(h: Hparams): number[] {
  return [...DATASETS[imageDataset(h)].exampleShape];
}

/** Build the level's model with its masks and weights (pruned weights exactly 0). The caller disposes it. */
export function loadTicket(run: string, opts: LevelExportOptions): { model: Model; h: Hparams; hash: string } {
  const meta = readStoreJson<{ hparams: unknown; hash: string }>(runHparamsFile(run), ['hparams', 'hash'], RUN_HPARAMS_HINT);
  const h = parseHparams(meta.hparams);
  const dir = levelDir(run, opts.trial ?? 0, opts.level);
  const model = createModel(h.model, exampleShape(h), 10, 'cpu');
  try {
    loadMasks(levelFile(dir, 'mask'), model);
    loadWeights(levelFile(dir, opts.weights ?? 'final'), model);
    applyMasks(model.params);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, h, hash: meta.hash };
}

/**
 * The published presets a run's hyperparameters are (its hash ignores levels and trials, as run names do),
 * comma-separated, or 'none' for a custom setup. Works for any stored run: the preset is not stored.
 */
export function presetsOf(hash: string): string {
  const names = Object.keys(PRESETS).filter((name) => hparamsHash(resolveHparams(name)) === hash);
  return names.length ? names.join(',') : 'none';
}

/** Sizes of the same ticket with dense and with sparse initializers (the file written is one of them). */
export interface FormatSizes {
  dense: ExportResult['sizes'];
  sparse: ExportResult['sizes'];
}

export function exportLevel(run: string, opts: LevelExportOptions): ExportResult & { model: Model; h: Hparams; formats: FormatSizes } {
  const { model, h, hash } = loadTicket(run, opts);
  const d = density(model.params);
  const layers = Object.fromEntries(Object.entries(d.layers).map(([k, v]) => [k, Number(v.density.toFixed(6))]));
  // Computed once for both formats (the preset lookup hashes every preset).
  const metadata = {
    'lth.hash': hash,
    'lth.preset': presetsOf(hash),
    'lth.level': String(opts.level),
    'lth.trial': String(opts.trial ?? 0),
    'lth.weights': opts.weights ?? 'final',
    'lth.density': String(Number(d.density.toFixed(6))),
    'lth.layer_density': JSON.stringify(layers),
    'lth.model': model.name,
    'lth.dataset': h.dataset.dataset,
  };
  const exportAs = (sparse: boolean) =>
    exportOnnx(model, {
      dataset: imageDataset(h),
      input: opts.input ?? 'pixels',
      sparse,
      foldBatchNorm: opts.foldBatchNorm ?? false,
      name: `${model.name}_level${opts.level}`,
      metadata,
    });
  const sparse = opts.sparse ?? false;
  const r = exportAs(sparse);
  const other = exportAs(!sparse).sizes;
  const formats = sparse ? { dense: other, sparse: r.sizes } : { dense: r.sizes, sparse: other };
  return { ...r, model, h, formats };
}

export interface VerifyResult {
  examples: number;
  /** max |Δlogit| / max |logit| over the set. */
  relMaxDiff: number;
  /** Fraction of examples where both predict the same class. */
  agreement: number;
  accuracy: { native: number; onnx: number };
}

/**
 * Run the file as exported in onnxruntime-node (CPU provider) on raw images and compare with the native forward
 * on the same images normalised as training normalises them. A file whose input is uint8 ('pixels') gets the
 * raw pixels, so its in-graph preprocessing is checked too; a float32 input ('normalized_pixels') gets the
 * normalised values.
 */
export async function verifyOnnx(bytes: Uint8Array, model: Model, images: ImageSet, batch = 500): Promise<VerifyResult> {
  const sig = readOnnxSignature(bytes);
  const shape = model.inputShape;
  if (sig.input.dims.slice(1).join('x') !== shape.join('x') || images.shape.join('x') !== shape.join('x')) {
    throw new OnnxExportError(
      `file input ${sig.input.dims.join('x')}, model input N x ${shape.join('x')} and images ${images.shape.join('x')} do not match`,
    );
  }
  if (sig.input.dtype !== 'uint8' && sig.input.dtype !== 'float32')
    throw new OnnxExportError(`input '${sig.input.name}' is ${sig.input.dtype}, expected uint8 or float32`);
  const raw = sig.input.dtype === 'uint8';
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const size = shape.reduce((a, b) => a * b, 1);
  let maxDiff = 0;
  let maxLogit = 0;
  let agree = 0;
  let okNative = 0;
  let okOnnx = 0;
  try {
    for (let s = 0; s < images.count; s += batch) {
      const n = Math.min(batch, images.count - s);
      const split = normalizedSplit(
        images,
        Int32Array.from({ length: n }, (_, i) => s + i),
      );
      const X = fromArray(split.x, [n, ...shape]);
      const native = model.forward(X, false).download();
      X.dispose();
      const feed = raw
        ? new ort.Tensor('uint8', images.images.slice(s * size, (s + n) * size), [n, ...shape])
        : new ort.Tensor('float32', split.x, [n, ...shape]);
      const out = await session.run({ [sig.input.name]: feed });
      const onnxLogits = out[sig.output.name]!.data as Float32Array;
      const C = native.length / n;
      for (let i = 0; i < n; i++) {
        let an = 0;
        let ao = 0;
        for (let c = 0; c < C; c++) {
          const a = native[i * C + c]!;
          const b = onnxLogits[i * C + c]!;
          maxDiff = Math.max(maxDiff, Math.abs(a - b));
          maxLogit = Math.max(maxLogit, Math.abs(a));
          if (a > native[i * C + an]!) an = c;
          if (b > onnxLogits[i * C + ao]!) ao = c;
        }
        const y = split.y[i]!;
        if (an === ao) agree++;
        if (an === y) okNative++;
        if (ao === y) okOnnx++;
      }
    }
  } finally {
    await session.release();
  }
  const n = images.count;
  return {
    examples: n,
    relMaxDiff: maxLogit > 0 ? maxDiff / maxLogit : maxDiff,
    agreement: agree / n,
    accuracy: { native: okNative / n, onnx: okOnnx / n },
  };
}

export type { PreparedData };
