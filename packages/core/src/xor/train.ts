// A small dedicated training loop for the XOR network: full-batch (B = 4) plain SGD on the mean sigmoid
// binary cross-entropy, every step on native tensors (maskedDenseForward with fused ReLU,
// sigmoidBinaryCrossEntropy, maskedDenseBackward, reluBackward, sgdStep) on the Dense layers' parameters,
// with every activation and gradient buffer allocated once per run.
// There is no data order: the whole data set is the batch, so a run depends only on the initial weights.
import {
  fromArray,
  maskedDenseBackward,
  maskedDenseForward,
  reluBackward,
  sigmoidBinaryCrossEntropy,
  sgdStep,
  zeros,
  type Tensor,
} from '@lth/native-sparse';
import { xorData } from './data.js';
import type { XorNet } from './network.js';
import { xorOutcome, type XorOutcome } from './outcome.js';

/** The draft trains for 10,000 iterations. */
export const XOR_ITERATIONS = 10_000;
/**
 * The draft does not state a learning rate we could verify; 0.05 is our documented default (the draft's
 * LeNet SGD rate). It is a parameter everywhere (`lr`).
 */
export const XOR_LR = 0.05;

export interface XorTrainOptions {
  iterations?: number;
  lr?: number;
}

/** The outcome of the final weights: loss, correct count, DB (`success`) and ZL (`zeroLoss`), see outcome.ts. */
export type XorTrainResult = XorOutcome;

/** Train `net` from its current weights. Returns the outcome (loss, DB, ZL) of the final weights. */
export function trainXor(net: XorNet, opts: XorTrainOptions = {}): XorTrainResult {
  const iterations = opts.iterations ?? XOR_ITERATIONS;
  const lr = opts.lr ?? XOR_LR;
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`xor: iterations must be an integer >= 0, got ${iterations}`);
  if (!(lr > 0)) throw new RangeError(`xor: lr must be > 0, got ${lr}`);
  const device = net.device;
  const { x: xs, y: ys } = xorData();
  const x = fromArray(xs, [4, 2], { device });
  const y = fromArray(ys, [4], { device });
  const h = net.hidden;
  const hid = net.hiddenLayer.inner;
  const out = net.outputLayer.inner;
  const act = zeros([4, h], { device });
  const dAct = zeros([4, h], { device });
  const z = zeros([4, 1], { device });
  const z1 = z.reshape([4]);
  const dz = zeros([4, 1], { device });
  const dz1 = dz.reshape([4]);
  const steps: Array<{ w: Tensor<'f32'>; g: Tensor<'f32'>; mask: Tensor<'u8'> | null }> = [
    { w: hid.weight.value, g: hid.weight.grad, mask: hid.weight.mask },
    { w: hid.bias.value, g: hid.bias.grad, mask: net.biasMask },
    { w: out.weight.value, g: out.weight.grad, mask: out.weight.mask },
    { w: out.bias.value, g: out.bias.grad, mask: null },
  ];
  const forward = () => {
    maskedDenseForward(x, hid.weight.value, { mask: hid.weight.mask, bias: hid.bias.value, relu: true, out: act });
    maskedDenseForward(act, out.weight.value, { mask: out.weight.mask, bias: out.bias.value, relu: false, out: z });
  };
  try {
    for (let it = 0; it < iterations; it++) {
      forward();
      sigmoidBinaryCrossEntropy(z1, y, { dlogits: dz1 });
      maskedDenseBackward(act, out.weight.value, dz, { mask: out.weight.mask, dx: dAct, dW: out.weight.grad, db: out.bias.grad });
      reluBackward(act, dAct, { out: dAct });
      maskedDenseBackward(x, hid.weight.value, dAct, { mask: hid.weight.mask, dx: false, dW: hid.weight.grad, db: hid.bias.grad });
      for (const s of steps) sgdStep(s.w, s.g, { lr, mask: s.mask });
    }
    forward();
    return xorOutcome(z1.download(), ys);
  } finally {
    [x, y, act, dAct, z, dz].forEach((t) => t.dispose());
  }
}
