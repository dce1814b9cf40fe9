// T trials of one fully connected network (LeNet-300-100, mlp-<h1>-…) trained together: every parameter and
// mask is stacked along a leading trial axis ([T, out, in], [T, out]) and each layer runs the addon's batched
// ops, so a step costs one call per op for all trials instead of one per trial. Trial t computes exactly what
// the solo network (models/mlp.ts) computes on its slice. Convolutional models are not batched.
import { maskedDenseBackwardBatched, maskedDenseForwardBatched, reluBackward, zeros, type Device } from '@lth/native-sparse';
import type { Hparams } from '../hparams/schema.js';
import { BufferCache } from './buffers.js';
import { mlpHidden, modelLabels } from './names.js';
import type { F32, Model, Param } from './types.js';

export class BatchError extends Error {
  readonly code = 'ERR_BATCH';
}

/** Why `h` cannot train its trials batched, or null when it can. */
export function batchUnsupported(h: Hparams): string | null {
  if (!mlpHidden(h.model.model)) {
    return `model '${h.model.model}' cannot train its trials batched: only fully connected models (${modelLabels(['mlp'])}) are batched, convolutional models are not yet — run without batched trials`;
  }
  if (h.model.dropout > 0)
    return `dropout (${h.model.dropout}) is not batched yet (its seeded masks are per trial) — run without batched trials`;
  return null;
}

class BatchedDense {
  readonly weight: Param;
  readonly bias: Param;
  private x: F32 | null = null;
  private y: F32 | null = null;
  private readonly cache: BufferCache;

  constructor(
    readonly name: string,
    readonly trials: number,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly relu: boolean,
    kind: 'fc' | 'output',
    device: Device,
  ) {
    const w = [trials, outFeatures, inFeatures];
    this.weight = {
      name: `${name}.weight`,
      layer: name,
      kind,
      shape: w,
      value: zeros(w, { device }),
      grad: zeros(w, { device }),
      mask: zeros(w, { dtype: 'u8', device }).upload(new Uint8Array(trials * outFeatures * inFeatures).fill(1)),
    };
    const b = [trials, outFeatures];
    this.bias = {
      name: `${name}.bias`,
      layer: name,
      kind: 'bias',
      shape: b,
      value: zeros(b, { device }),
      grad: zeros(b, { device }),
      mask: null,
    };
    this.cache = new BufferCache(device);
  }

  /** x [T,B,in] (per trial) or [B,in] (shared by every trial) → y [T,B,out]. */
  forward(x: F32): F32 {
    const B = x.shape[x.shape.length - 2]!;
    this.x = x;
    this.y = maskedDenseForwardBatched(x, this.weight.value, {
      mask: this.weight.mask,
      bias: this.bias.value,
      relu: this.relu,
      out: this.cache.f32('y', [this.trials, B, this.outFeatures]),
    });
    return this.y;
  }

  /** Parameter gradients from dy [T,B,out]; returns dx [T,B,in] when needed. */
  backward(dy: F32, needDx: boolean): F32 | null {
    if (!this.x || !this.y) throw new Error(`${this.name}: backward before forward`);
    const B = dy.shape[1]!;
    const dyPre = this.relu ? reluBackward(this.y, dy, { out: this.cache.f32('dyPre', dy.shape) }) : dy;
    const dx = needDx ? this.cache.f32('dx', [this.trials, B, this.inFeatures]) : false;
    maskedDenseBackwardBatched(this.x, this.weight.value, dyPre, { mask: this.weight.mask, dx, dW: this.weight.grad, db: this.bias.grad });
    return dx || null;
  }

  dispose(): void {
    this.cache.dispose();
    for (const p of [this.weight, this.bias]) [p.value, p.grad, p.mask].forEach((t) => t?.dispose());
  }
}

/** A stacked view of an input: the tensor it was made from and the view, reused while the input is the same. */
interface View {
  src: F32;
  view: F32;
}

export class BatchedMlp {
  readonly params: Param[];
  private readonly layers: BatchedDense[] = [];
  private readonly inFeatures: number;
  private input: View | null = null;

  constructor(
    readonly name: string,
    readonly inputShape: number[],
    readonly classes: number,
    hidden: number[],
    readonly trials: number,
    device: Device,
  ) {
    if (!Number.isInteger(trials) || trials < 1) throw new BatchError(`a batched model needs at least one trial, got ${trials}`);
    this.inFeatures = inputShape.reduce((a, b) => a * b, 1);
    const sizes = [this.inFeatures, ...hidden, classes];
    for (let i = 0; i < sizes.length - 1; i++) {
      const last = i === sizes.length - 2;
      this.layers.push(new BatchedDense(`fc${i + 1}`, trials, sizes[i]!, sizes[i + 1]!, !last, last ? 'output' : 'fc', device));
    }
    this.params = this.layers.flatMap((l) => [l.weight, l.bias]);
  }

  /**
   * Logits [T,B,classes] from x [T,B,...inputShape] (every trial its own batch) or [B,...inputShape] (one batch
   * for every trial: evaluation). The result is owned by the model.
   */
  forward(x: F32): F32 {
    const rank = this.inputShape.length;
    const shared = x.shape.length === rank + 1;
    if (!shared && (x.shape.length !== rank + 2 || x.shape[0] !== this.trials)) {
      throw new BatchError(
        `${this.name}: input ${JSON.stringify(x.shape)} is neither [${this.trials},B,${this.inputShape}] nor [B,${this.inputShape}]`,
      );
    }
    if (!this.input || this.input.src !== x) {
      this.input?.view.dispose();
      const B = x.shape[shared ? 0 : 1]!;
      this.input = { src: x, view: x.reshape(shared ? [B, this.inFeatures] : [this.trials, B, this.inFeatures]) };
    }
    let h = this.input.view;
    for (const l of this.layers) h = l.forward(h);
    return h;
  }

  /** Gradients of every parameter of every trial from dlogits [T,B,classes] (after a forward). */
  backward(dlogits: F32): void {
    let g: F32 | null = dlogits;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i]!.backward(g!, i > 0);
  }

  /** Trial t's parameters and masks into `solo` (the same architecture, unbatched: models/mlp.ts). */
  copyTrialTo(t: number, solo: Model): void {
    this.pairs(solo).forEach(([b, s]) => {
      const n = s.value.numel;
      s.value.upload(b.value.download().subarray(t * n, (t + 1) * n));
      if (b.mask && s.mask) s.mask.upload(b.mask.download().subarray(t * n, (t + 1) * n));
    });
  }

  /** `solo`'s parameters and masks into trial t. */
  copyTrialFrom(t: number, solo: Model): void {
    this.pairs(solo).forEach(([b, s]) => {
      const n = s.value.numel;
      const v = b.value.download();
      v.set(s.value.download(), t * n);
      b.value.upload(v);
      if (b.mask && s.mask) {
        const m = b.mask.download();
        m.set(s.mask.download(), t * n);
        b.mask.upload(m);
      }
    });
  }

  private pairs(solo: Model): Array<[Param, Param]> {
    if (solo.params.length !== this.params.length) throw new BatchError(`${this.name}: the solo model has other parameters`);
    return this.params.map((b, i) => {
      const s = solo.params[i]!;
      if (s.name !== b.name || s.shape.join(',') !== b.shape.slice(1).join(',') || !s.mask !== !b.mask) {
        throw new BatchError(`${this.name}: solo parameter ${s.name} [${s.shape}] does not match ${b.name} [${b.shape}]`);
      }
      return [b, s];
    });
  }

  dispose(): void {
    this.input?.view.dispose();
    this.input = null;
    for (const l of this.layers) l.dispose();
  }
}

/** The batched twin of createModel for a fully connected model name (throws BatchError for any other). */
export function createBatchedModel(h: Hparams, inputShape: number[], classes: number, trials: number, device: Device): BatchedMlp {
  const why = batchUnsupported(h);
  if (why) throw new BatchError(why);
  return new BatchedMlp(h.model.model, inputShape, classes, mlpHidden(h.model.model)!, trials, device);
}
