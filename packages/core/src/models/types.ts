// What a model is to the rest of core: named parameters (some prunable, with masks) and an explicit
// forward/backward over native tensors. Activations and gradients stay in native memory.
import type { Tensor } from '@lth/native-sparse';
import type { DenseLayer } from './dense-layer.js';

export type F32 = Tensor<'f32'>;
export type U8 = Tensor<'u8'>;

/** fc, conv and output weights are prunable (each kind has its own rate); biases and batch norm never are. */
export type ParamKind = 'fc' | 'conv' | 'output' | 'bias' | 'bn';

export interface Param {
  /** e.g. 'fc1.weight' — the key in safetensors files. */
  name: string;
  /** e.g. 'fc1' — what pruning's `ignore` list names. */
  layer: string;
  kind: ParamKind;
  shape: number[];
  value: F32;
  grad: F32;
  /** Pruning mask for prunable weights, null otherwise. */
  mask: U8 | null;
  /**
   * While the layer trains sparse (models/dense-layer.ts): the flat indices of the mask's alive entries, and the
   * optimizer updates only those (the others are 0 and stay 0). Absent or null: the masked update.
   */
  positions?: Tensor<'i32'> | null;
}

export function isPrunable(kind: ParamKind): boolean {
  return kind === 'fc' || kind === 'conv' || kind === 'output';
}

export interface Model {
  readonly name: string;
  /** Input shape of one example, e.g. [784] or [3, 32, 32]. */
  readonly inputShape: number[];
  readonly classes: number;
  readonly params: Param[];
  /** Logits [B, classes]; `train` enables dropout and batch statistics. The result is owned by the model. */
  forward(x: F32, train: boolean): F32;
  /**
   * Set where the dropout masks of the next training forward come from: iteration `iteration` of stream `seed`
   * (`dropout-stream.ts`); later training forwards move on one iteration each. No-op without dropout.
   */
  positionDropout(seed: number, iteration: number): void;
  /** Gradients of every parameter from dlogits (after forward with train = true). */
  backward(dlogits: F32): void;
  /** The fully connected layers that can train on the sparse kernels (absent: none). */
  denseLayers?(): DenseLayer[];
  /** Non-parameter state saved with checkpoints (batch-norm running statistics). */
  buffers(): Array<{ name: string; value: F32 }>;
  dispose(): void;
}
