// Export a stored ticket (one level of one trial of a run) and verify it in onnxruntime-node.
import { readFileSync } from 'node:fs';
import { RUN_HPARAMS_HINT, readStoreJson } from '../store/read-json.js';
import { join } from 'node:path';
import { fromArray } from '@lth/native-sparse';
import * as ort from 'onnxruntime-node';
import type { PreparedData, Split } from '../data/prepare.js';
import { hparamsHash } from '../hparams/hash.js';
import { PRESETS, resolveHparams } from '../hparams/presets.js';
import { parseHparams, type Hparams } from '../hparams/schema.js';
import { applyMasks, loadMasks, loadWeights } from '../lottery/weights.js';
import { density } from '../prune/strategy.js';
import { createModel } from '../models/registry.js';
import type { Model } from '../models/types.js';
import { levelDir } from '../store/layout.js';
import { exportOnnx, type ExportResult } from './export.js';

export interface LevelExportOptions {
  trial?: number;
  level: number;
  /** 'final' (trained weights, default) or 'init' (the ticket at initialisation). */
  weights?: 'final' | 'init';
  sparse?: boolean;
  /** Fold batch norms into the preceding convolutions (see ExportOptions.foldBatchNorm). */
  foldBatchNorm?: boolean;
}

export function exampleShape(h: Hparams): number[] {
  return h.dataset.dataset === 'cifar10' ? [3, 32, 32] : [1, 28, 28];
}

/** Build the level's model with its masks and weights (pruned weights exactly 0). The caller disposes it. */
export function loadTicket(run: string, opts: LevelExportOptions): { model: Model; h: Hparams; hash: string } {
  const meta = readStoreJson<{ hparams: unknown; hash: string }>(join(run, 'hparams.json'), ['hparams', 'hash'], RUN_HPARAMS_HINT);
  const h = parseHparams(meta.hparams);
  const dir = levelDir(run, opts.trial ?? 0, opts.level);
  const model = createModel(h.model, exampleShape(h), 10, 'cpu');
  try {
    loadMasks(join(dir, 'mask.safetensors'), model);
    loadWeights(join(dir, `${opts.weights ?? 'final'}.safetensors`), model);
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
  const exportAs = (sparse: boolean) => exportOnnx(model, {
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

/** Run the model bytes in onnxruntime-node (CPU provider) on a split and compare with the native forward. */
export async function verifyOnnx(bytes: Uint8Array, model: Model, split: Split, batch = 500): Promise<VerifyResult> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const shape = model.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  let maxDiff = 0;
  let maxLogit = 0;
  let agree = 0;
  let okNative = 0;
  let okOnnx = 0;
  try {
    for (let s = 0; s < split.count; s += batch) {
      const n = Math.min(batch, split.count - s);
      const xs = split.x.slice(s * size, (s + n) * size);
      const X = fromArray(xs, [n, ...shape]);
      const native = model.forward(X, false).download();
      X.dispose();
      const out = await session.run({ input: new ort.Tensor('float32', xs, [n, ...shape]) });
      const onnxLogits = out.logits!.data as Float32Array;
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
        const y = split.y[s + i]!;
        if (an === ao) agree++;
        if (an === y) okNative++;
        if (ao === y) okOnnx++;
      }
    }
  } finally {
    await session.release();
  }
  const n = split.count;
  return { examples: n, relMaxDiff: maxLogit > 0 ? maxDiff / maxLogit : maxDiff, agreement: agree / n, accuracy: { native: okNative / n, onnx: okOnnx / n } };
}

export type { PreparedData };
