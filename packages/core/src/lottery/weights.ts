// Moving model state between native tensors and safetensors files.
import { existsSync } from 'node:fs';
import type { Model, Param } from '../models/types.js';
import { StoreError } from '../store/errors.js';
import { readSafetensors, writeSafetensors, type NamedArray } from '../store/safetensors.js';

export function weightsOf(model: Model): Record<string, NamedArray> {
  const out: Record<string, NamedArray> = {};
  for (const p of model.params) out[p.name] = { shape: p.shape, data: p.value.download() };
  for (const b of model.buffers()) out[b.name] = { shape: b.value.shape, data: b.value.download() };
  return out;
}

export function masksOf(model: Model): Record<string, NamedArray> {
  const out: Record<string, NamedArray> = {};
  for (const p of model.params) if (p.mask) out[p.name] = { shape: p.shape, data: p.mask.download() };
  return out;
}

export function saveWeights(path: string, model: Model, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, weightsOf(model), metadata);
}

function expectEntry(path: string, tensors: Record<string, NamedArray>, p: { name: string; shape: number[] }): NamedArray {
  const t = tensors[p.name];
  if (!t) throw new StoreError(`has no tensor '${p.name}' (damaged, or from another model)`, path);
  if (t.shape.join(',') !== p.shape.join(','))
    throw new StoreError(`'${p.name}' has shape [${t.shape}], the model needs [${p.shape}]`, path);
  return t;
}

/** Load weights (and buffers) into the model; pruned positions are zeroed by `applyMasks`. */
export function loadWeights(path: string, model: Model): void {
  const { tensors } = readSafetensors(path);
  for (const p of model.params) p.value.upload(expectEntry(path, tensors, p).data as Float32Array);
  for (const b of model.buffers()) b.value.upload(expectEntry(path, tensors, { name: b.name, shape: b.value.shape }).data as Float32Array);
}

export function saveMasks(path: string, model: Model, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, masksOf(model), metadata);
}

export function loadMasks(path: string, model: Model): void {
  const { tensors } = readSafetensors(path);
  for (const p of model.params) if (p.mask) p.mask.upload(expectEntry(path, tensors, p).data as Uint8Array);
}

/** w ← w ⊙ mask for every prunable parameter (done on the host once per level, not per step). */
export function applyMasks(params: Param[]): void {
  for (const p of params) {
    if (!p.mask) continue;
    const w = p.value.download();
    const m = p.mask.download();
    for (let i = 0; i < w.length; i++) if (!m[i]) w[i] = 0;
    p.value.upload(w);
  }
}

export { existsSync };
