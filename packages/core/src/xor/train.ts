// A small dedicated training loop for the XOR network: full-batch (B = 4) plain SGD on the mean sigmoid
// binary cross-entropy, every step on native tensors (maskedDenseForward with fused ReLU,
// sigmoidBinaryCrossEntropy, maskedDenseBackward, reluBackward — through the Dense layers — and sgdStep).
// There is no data order: the whole data set is the batch, so a run depends only on the initial weights.
import { fromArray, sigmoidBinaryCrossEntropy, sgdStep, zeros, type Tensor } from '@lth/native-sparse';
import { xorData } from './data.js';
import type { XorNet } from './network.js';

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

export interface XorTrainResult {
  /** Mean binary cross-entropy on the 4 points after training. */
  loss: number;
  /** Points classified correctly after training ((z > 0) == label). */
  correct: number;
  /** All 4 points correct: the network found the decision boundary (the draft's success criterion). */
  success: boolean;
}

/** Train `net` from its current weights. Returns the loss and correct count of the final weights. */
export function trainXor(net: XorNet, opts: XorTrainOptions = {}): XorTrainResult {
  const iterations = opts.iterations ?? XOR_ITERATIONS;
  const lr = opts.lr ?? XOR_LR;
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`xor: iterations must be an integer >= 0, got ${iterations}`);
  if (!(lr > 0)) throw new RangeError(`xor: lr must be > 0, got ${lr}`);
  const device = net.device;
  const { x: xs, y: ys } = xorData();
  const x = fromArray(xs, [4, 2], { device });
  const y = fromArray(ys, [4], { device });
  const dz = zeros([4, 1], { device });
  const dz1 = dz.reshape([4]);
  const hidden = net.hiddenLayer.inner;
  const output = net.outputLayer.inner;
  const steps: Array<{ w: Tensor<'f32'>; g: Tensor<'f32'>; mask: Tensor<'u8'> | null }> = [
    { w: hidden.weight.value, g: hidden.weight.grad, mask: hidden.weight.mask },
    { w: hidden.bias.value, g: hidden.bias.grad, mask: net.biasMask },
    { w: output.weight.value, g: output.weight.grad, mask: output.weight.mask },
    { w: output.bias.value, g: output.bias.grad, mask: null },
  ];
  try {
    for (let it = 0; it < iterations; it++) {
      const h = net.hiddenLayer.forward(x);
      const z = net.outputLayer.forward(h);
      sigmoidBinaryCrossEntropy(z.reshape([4]), y, { dlogits: dz1 });
      const dh = net.outputLayer.backward(dz, true)!;
      net.hiddenLayer.backward(dh, false);
      for (const s of steps) sgdStep(s.w, s.g, { lr, mask: s.mask });
    }
    const z = net.outputLayer.forward(net.hiddenLayer.forward(x));
    const r = sigmoidBinaryCrossEntropy(z.reshape([4]), y, { dlogits: false });
    return { loss: r.loss, correct: r.correct, success: r.correct === 4 };
  } finally {
    [x, y, dz].forEach((t) => t.dispose());
  }
}
