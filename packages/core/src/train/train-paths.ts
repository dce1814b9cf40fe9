// Which kernels each fully connected layer trains on at a level: masked-dense or sparse (models/dense-layer.ts).
// An execution option, not a hyperparameter: both paths compute the same step to fp32 rounding, so it is not in
// the hparams hash. `auto` picks sparse where the layer's density is below the crossover measured for its
// platform and shape (train/sparse-crossover.ts); `dense` and `sparse` force either.
import type { Model } from '../models/types.js';
import type { TrainPath } from '../models/dense-layer.js';
import { BUILTIN_CROSSOVERS, crossoverFor, platformKey, type CrossoverTable } from './sparse-crossover.js';

export type { TrainPath } from '../models/dense-layer.js';
export type TrainPathRequest = 'auto' | 'dense' | 'sparse';
export const TRAIN_PATH_REQUESTS: readonly TrainPathRequest[] = ['auto', 'dense', 'sparse'];

export interface TrainPathOptions {
  request: TrainPathRequest;
  /** The crossover densities `auto` compares against (default: the built-in table). */
  crossovers?: CrossoverTable;
}

/** The path one layer trains a level on, and why. */
export interface LayerTrainPath {
  layer: string;
  path: TrainPath;
  /** The layer's fraction of alive weights. */
  density: number;
  reason: string;
}

export class TrainPathError extends Error {
  readonly code = 'ERR_TRAIN_PATH';
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function maskDensity(mask: { download(): Uint8Array; numel: number }): number {
  const m = mask.download();
  let alive = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) alive++;
  return m.length ? alive / m.length : 1;
}

/** The path `auto` (or a forced request) gives a layer of this shape and density on `platform`. */
export function choosePath(
  request: TrainPathRequest,
  density: number,
  shape: readonly number[],
  platform: string,
  crossovers: CrossoverTable,
): { path: TrainPath; reason: string } {
  if (request !== 'auto') return { path: request, reason: `forced (--train-path ${request})` };
  const c = crossoverFor(crossovers, platform, shape);
  if (c === null) return { path: 'dense', reason: `no crossover measured for ${platform}` };
  return density < c
    ? { path: 'sparse', reason: `density ${pct(density)} < crossover ${pct(c)} (${platform})` }
    : { path: 'dense', reason: `density ${pct(density)} ≥ crossover ${pct(c)} (${platform})` };
}

/**
 * Choose and set every fully connected layer's path for the level about to train (masks in place, fixed until
 * `releaseTrainPaths`). Layers without a sparse path (conv) are not listed: they always train masked-dense.
 */
export function configureTrainPaths(model: Model, opts: TrainPathOptions): LayerTrainPath[] {
  const table = opts.crossovers ?? BUILTIN_CROSSOVERS.crossovers;
  return (model.denseLayers?.() ?? []).map((l) => {
    const density = maskDensity(l.weight.mask!);
    const { path, reason } = choosePath(opts.request, density, l.weight.shape, platformKey(l.weight.value.device), table);
    l.usePath(path);
    return { layer: l.name, path, density, reason };
  });
}

/** Every fully connected layer back on masked-dense (the structures freed): before masks change again. */
export function releaseTrainPaths(model: Model): void {
  for (const l of model.denseLayers?.() ?? []) l.usePath('dense');
}

/** Batched trials train masked-dense (there are no batched sparse kernels): what `auto` gives them. */
export function batchedTrainPaths(model: Model, request: TrainPathRequest): LayerTrainPath[] {
  if (request === 'sparse') throw new TrainPathError(batchedSparseUnsupported);
  return (model.denseLayers?.() ?? []).map((l) => ({
    layer: l.name,
    path: 'dense',
    density: maskDensity(l.weight.mask!),
    reason: 'batched trials train masked-dense (no batched sparse kernels)',
  }));
}

export const batchedSparseUnsupported =
  '--train-path sparse cannot be used with --batch-trials: batched trials train masked-dense (there are no batched sparse kernels); use --train-path auto or dense, or run without --batch-trials';
