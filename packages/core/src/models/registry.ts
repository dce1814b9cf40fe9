// Model names (models/names.ts) → constructed, initialised models.
import type { Device } from '@lth/native-sparse';
import type { Hparams } from '../hparams/schema.js';
import { Random } from '../util/rng.js';
import { initWeights } from './init.js';
import { createConvNet } from './convnets.js';
import { mlp } from './mlp.js';
import { mlpHidden, modelFamily, modelLabels } from './names.js';
import type { Model } from './types.js';

export class ModelError extends Error {
  readonly code = 'ERR_MODEL';
}

/** Build the network named in hparams for inputs of `inputShape`. Weights are zero until `initialize`. */
export function createModel(h: Hparams['model'], inputShape: number[], classes: number, device: Device): Model {
  const name = h.model;
  const kind = modelFamily(name)?.kind;
  if (kind === 'mlp') return mlp(name, inputShape, mlpHidden(name)!, classes, h.dropout, device);
  if (kind === 'conv') {
    if (inputShape.length !== 3) throw new ModelError(`model '${name}' needs image inputs [C,H,W], got [${inputShape}]`);
    const conv = createConvNet(name, inputShape, classes, h.dropout, device);
    if (conv) return conv;
  }
  throw new ModelError(`unknown model '${name}' (available: ${modelLabels(['mlp', 'conv'])})`);
}

/** Seeded initialisation: weights from `h.init`, biases 0; the same seed gives the same network everywhere. */
export function initialize(model: Model, h: Hparams['model'], seed: number): void {
  const rng = new Random(seed, 'init');
  for (const p of model.params) {
    if (p.kind === 'bias') p.value.zero();
    else if (p.kind === 'bn') p.value.upload(new Float32Array(p.value.numel).fill(p.name.endsWith('.weight') ? 1 : 0));
    else p.value.upload(initWeights(p.shape, { name: h.init, std: h.initStd }, rng));
  }
}
