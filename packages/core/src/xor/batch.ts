// Batched trials for the XOR experiment: T independent 2-H-1 networks trained in one pass on the addon's ops over
// a leading trial axis (maskedDense*Batched), so 1000 trials cost about as much as a few dozen single runs (a
// single XOR step is ~10 native calls on 4×H tensors, all call overhead).
//
// Layout: W1 [T, H, 2], b1 [T, H], W2 [T, 1, H], b2 [T, 1], masks alike; every trial reads the same 4 inputs
// (x [4, 2] shared, trial stride 0), so act is [T, 4, H] and the logits z [T, 4, 1]. Trial t's forward, gradient
// and update are those of trial t alone: the batched kernels run the unbatched arithmetic on each trial's slices.
// The loss is the mean BCE over all 4·T logits: its gradient is the single-trial gradient / T, and the step uses
// lr·T. T is padded to a power of two so the 1/T and ·T scalings are exact in floating point, which makes every
// trial bit-identical to trainXor on the same network. Padding slots are networks with every unit pruned and are
// ignored.
import {
  fromArray,
  maskedDenseBackwardBatched,
  maskedDenseForwardBatched,
  reluBackward,
  sigmoidBinaryCrossEntropy,
  sgdStep,
  zeros,
  type Device,
  type Tensor,
} from '@lth/native-sparse';
import { xorData } from './data.js';
import type { XorInit } from './network.js';
import { xorOutcome } from './outcome.js';
import { XOR_ITERATIONS, XOR_LR, type XorTrainOptions, type XorTrainResult } from './train.js';

/** Trials per batch (results do not depend on it: every trial computes what it computes alone). */
export const XOR_BATCH_TRIALS = 64;

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export interface XorWeights {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export class XorBatch {
  /** Hidden units per network (every network in a batch has the same width). */
  readonly hidden: number;
  /** Real trials (the slots after them are padding). */
  readonly trials: number;
  /** Slots, a power of two >= trials. */
  readonly slots: number;
  private readonly alive: boolean[][];
  private readonly w1: Tensor<'f32'>;
  private readonly b1: Tensor<'f32'>;
  private readonly w2: Tensor<'f32'>;
  private readonly b2: Tensor<'f32'>;
  private readonly m1: Tensor<'u8'>;
  private readonly mb1: Tensor<'u8'>;
  private readonly m2: Tensor<'u8'>;
  private readonly grads: Tensor<'f32'>[];

  constructor(
    readonly inits: readonly XorInit[],
    readonly device: Device = 'cpu',
  ) {
    if (inits.length === 0) throw new RangeError('xor batch: at least one network is needed');
    const h = inits[0]!.hidden;
    for (const init of inits) {
      if (init.hidden !== h) throw new RangeError(`xor batch: every network needs the same hidden width (${h}), got ${init.hidden}`);
    }
    this.hidden = h;
    this.trials = inits.length;
    this.slots = nextPow2(inits.length);
    const S = this.slots;
    this.alive = Array.from({ length: S }, (_, t) => new Array<boolean>(h).fill(t < this.trials));
    const opts = { device };
    this.w1 = zeros([S, h, 2], opts);
    this.b1 = zeros([S, h], opts);
    this.w2 = zeros([S, 1, h], opts);
    this.b2 = zeros([S, 1], opts);
    this.m1 = zeros([S, h, 2], { ...opts, dtype: 'u8' });
    this.mb1 = zeros([S, h], { ...opts, dtype: 'u8' });
    this.m2 = zeros([S, 1, h], { ...opts, dtype: 'u8' });
    this.grads = [this.w1, this.b1, this.w2, this.b2].map((p) => zeros(p.shape, opts));
    this.uploadMasks();
    this.reset();
  }

  /** Which hidden units of trial t are alive (a copy). */
  aliveUnits(t: number): boolean[] {
    return [...this.aliveRow(t)];
  }

  /** Set every trial's alive hidden units (masks only shrink in the experiments) and reset to the inits. */
  setAliveAll(alive: readonly (readonly boolean[])[]): void {
    if (alive.length !== this.trials) throw new RangeError(`xor batch: ${alive.length} alive sets for ${this.trials} trials`);
    alive.forEach((a, t) => {
      if (a.length !== this.hidden)
        throw new RangeError(`xor batch: trial ${t} has ${a.length} alive flags, the networks have ${this.hidden} hidden units`);
      this.alive[t] = [...a];
    });
    this.uploadMasks();
    this.reset();
  }

  /** Every trial back to its initial weights (pruned units 0), biases 0. */
  reset(): void {
    const S = this.slots;
    const h = this.hidden;
    const w1 = new Float32Array(S * h * 2);
    const w2 = new Float32Array(S * h);
    this.inits.forEach((init, t) => {
      const alive = this.alive[t]!;
      for (let j = 0; j < h; j++) {
        if (!alive[j]) continue;
        w1[2 * (t * h + j)] = init.w1[2 * j]!;
        w1[2 * (t * h + j) + 1] = init.w1[2 * j + 1]!;
        w2[t * h + j] = init.w2[j]!;
      }
    });
    this.w1.upload(w1);
    this.w2.upload(w2);
    this.b1.zero();
    this.b2.zero();
  }

  /** Trial t's current weights in the single-network layout (w1 [h,2], b1 [h], w2 [1,h], b2 [1]). */
  weights(): XorWeights[] {
    const h = this.hidden;
    const w1 = this.w1.download();
    const b1 = this.b1.download();
    const w2 = this.w2.download();
    const b2 = this.b2.download();
    return this.inits.map((_, t) => ({
      w1: w1.slice(2 * t * h, 2 * (t + 1) * h),
      b1: b1.slice(t * h, (t + 1) * h),
      w2: w2.slice(t * h, (t + 1) * h),
      b2: b2.slice(t, t + 1),
    }));
  }

  /** Train every trial from its current weights; per-trial final loss, correct count and success. */
  train(opts: XorTrainOptions = {}): XorTrainResult[] {
    const iterations = opts.iterations ?? XOR_ITERATIONS;
    const lr = opts.lr ?? XOR_LR;
    if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`xor: iterations must be an integer >= 0, got ${iterations}`);
    if (!(lr > 0)) throw new RangeError(`xor: lr must be > 0, got ${lr}`);
    const S = this.slots;
    const h = this.hidden;
    const device = this.device;
    const { x: xs, y: ys } = xorData();
    // Logits and labels trial-major: z [S, 4, 1] flat is trial t's 4 points at 4t..4t+3.
    const labels = new Float32Array(4 * S);
    for (let t = 0; t < S; t++) labels.set(ys, 4 * t);
    const x = fromArray(xs, [4, 2], { device });
    const y = fromArray(labels, [4 * S], { device });
    const act = zeros([S, 4, h], { device });
    const dAct = zeros([S, 4, h], { device });
    const z = zeros([S, 4, 1], { device });
    const zFlat = z.reshape([4 * S]);
    const dz = zeros([S, 4, 1], { device });
    const dzFlat = dz.reshape([4 * S]);
    const [gw1, gb1, gw2, gb2] = this.grads as [Tensor<'f32'>, Tensor<'f32'>, Tensor<'f32'>, Tensor<'f32'>];
    const forward = () => {
      maskedDenseForwardBatched(x, this.w1, { mask: this.m1, bias: this.b1, relu: true, out: act });
      maskedDenseForwardBatched(act, this.w2, { mask: this.m2, bias: this.b2, relu: false, out: z });
    };
    const step = { lr: lr * S };
    try {
      for (let it = 0; it < iterations; it++) {
        forward();
        sigmoidBinaryCrossEntropy(zFlat, y, { dlogits: dzFlat });
        maskedDenseBackwardBatched(act, this.w2, dz, { mask: this.m2, dx: dAct, dW: gw2, db: gb2 });
        reluBackward(act, dAct, { out: dAct });
        maskedDenseBackwardBatched(x, this.w1, dAct, { mask: this.m1, dx: false, dW: gw1, db: gb1 });
        sgdStep(this.w1, gw1, { ...step, mask: this.m1 });
        sgdStep(this.b1, gb1, { ...step, mask: this.mb1 });
        sgdStep(this.w2, gw2, { ...step, mask: this.m2 });
        sgdStep(this.b2, gb2, { ...step, mask: null });
      }
      forward();
      return perTrial(z.download(), ys, this.trials);
    } finally {
      [x, y, act, dAct, z, dz].forEach((t) => t.dispose());
    }
  }

  dispose(): void {
    [this.w1, this.b1, this.w2, this.b2, this.m1, this.mb1, this.m2, ...this.grads].forEach((t) => t.dispose());
  }

  private aliveRow(t: number): boolean[] {
    if (!Number.isInteger(t) || t < 0 || t >= this.trials) throw new RangeError(`xor batch: trial ${t} is not in [0, ${this.trials})`);
    return this.alive[t]!;
  }

  private uploadMasks(): void {
    const S = this.slots;
    const h = this.hidden;
    const m1 = new Uint8Array(S * h * 2);
    const mb1 = new Uint8Array(S * h);
    const m2 = new Uint8Array(S * h);
    for (let t = 0; t < S; t++) {
      for (let j = 0; j < h; j++) {
        if (!this.alive[t]![j]) continue;
        const u = t * h + j;
        m1[2 * u] = 1;
        m1[2 * u + 1] = 1;
        mb1[u] = 1;
        m2[u] = 1;
      }
    }
    this.m1.upload(m1);
    this.mb1.upload(mb1);
    this.m2.upload(m2);
  }
}

/** Per-trial outcome (loss, DB, ZL) from logits z [S, 4, 1]. */
function perTrial(z: Float32Array, ys: Float32Array, trials: number): XorTrainResult[] {
  return Array.from({ length: trials }, (_, t) =>
    xorOutcome(
      [0, 1, 2, 3].map((p) => z[4 * t + p]!),
      ys,
    ),
  );
}
