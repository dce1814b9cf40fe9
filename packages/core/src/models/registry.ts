// Model names → constructed, initialised models.
import type { Device } from '@lth/native-sparse';
import type { Hparams } from '../hparams/schema.js';
import { Random } from '../util/rng.js';
import { initWeights } from './init.js';
import { Mlp } from './mlp.js';
import type { Model } from './types.js';

export class ModelError extends Error {
  readonly code = 'ERR_MODEL';
}

/** Build the network named in hparams for inputs of `inputShape`. Weights are zero until `initialize`. */
export function createModel(h: Hparams['model'], inputShape: number[], classes: number, device: Device): Model {
  const name = h.model;
  if (name === 'lenet-300-100') return new Mlp(name, inputShape, [300, 100], classes, device);
  const mlp = /^mlp((?:-\d+)+)$/.exec(name);
  if (mlp) return new Mlp(name, inputShape, mlp[1]!.slice(1).split('-').map(Number), classes, device);
  throw new ModelError(`model '${name}' is not available yet in this build (available: lenet-300-100, mlp-<h1>-<h2>-…)`);
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
