// The pixel normalisation training applies (the one place it is defined): x = (pixel / 255 − mean[c]) / std[c].
// MNIST-style sets (1 channel) are only scaled to [0,1] (mean 0, std 1); CIFAR-10 (3 channels, RGB planes) is
// normalised per channel with the mean/std of its training set. The ONNX export builds the same steps into
// its graph from this description, so an exported ticket and training cannot disagree.
export interface PixelNormalization {
  /** Raw 8-bit pixels are divided by this first (to [0,1]). */
  divisor: number;
  /** Per-channel mean and standard deviation subtracted/divided after scaling (length = channels). */
  mean: number[];
  std: number[];
}

const CIFAR_MEAN = [0.4914, 0.4822, 0.4465];
const CIFAR_STD = [0.247, 0.2435, 0.2616];

export function pixelNormalization(channels: number): PixelNormalization {
  if (channels === 3) return { divisor: 255, mean: CIFAR_MEAN, std: CIFAR_STD };
  return { divisor: 255, mean: Array<number>(channels).fill(0), std: Array<number>(channels).fill(1) };
}

/** True when mean/std are the identity (the data is only scaled): no Sub/Div per channel is needed. */
export function onlyScaled(n: PixelNormalization): boolean {
  return n.mean.every((m) => m === 0) && n.std.every((s) => s === 1);
}
