// Weight initialisers. fanIn/fanOut follow the usual convention: dense [out, in] → (in, out);
// conv [K, C, R, S] → (C·R·S, K·R·S).
import type { Random } from '../util/rng.js';

export type InitName = 'glorot-normal' | 'xavier-normal' | 'trunc-normal' | 'kaiming-normal';

export interface InitSpec {
  name: InitName;
  /** σ for trunc-normal. */
  std: number;
}

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[1]!, fanOut: shape[0]! };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/**
 * - glorot-normal: N(0, 2/(fanIn+fanOut)) — "Gaussian Glorot", the ICLR 2019 paper's initialisation.
 * - xavier-normal: TensorFlow's xavier_initializer(uniform=False) / glorot_normal: truncated at 2σ, with σ
 *   corrected by 0.87962566 so the variance is still 2/(fanIn+fanOut).
 * - trunc-normal: N(0, std²) truncated at 2σ (the 2018 draft's N(0, 0.1)).
 * - kaiming-normal: N(0, 2/fanIn) (He et al.; PyTorch's kaiming_normal_ with fan_in, ReLU gain; open_lth).
 */
export function initWeights(shape: readonly number[], spec: InitSpec, rng: Random): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const { fanIn, fanOut } = fans(shape);
  const out = new Float32Array(n);
  switch (spec.name) {
    case 'glorot-normal': {
      const s = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = rng.normal() * s;
      break;
    }
    case 'xavier-normal': {
      const s = Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978;
      for (let i = 0; i < n; i++) out[i] = rng.truncatedNormal() * s;
      break;
    }
    case 'trunc-normal':
      for (let i = 0; i < n; i++) out[i] = rng.truncatedNormal() * spec.std;
      break;
    case 'kaiming-normal': {
      const s = Math.sqrt(2 / fanIn);
      for (let i = 0; i < n; i++) out[i] = rng.normal() * s;
      break;
    }
  }
  return out;
}
