// CIFAR augmentation (He et al. 2016; open_lth): random horizontal flip (p = 0.5) and a random translation of
// up to `pad` pixels in each direction (zero padding, then a crop), drawn from a stream seeded by the data
// seed and the iteration, so a resumed run augments exactly as an uninterrupted one. The draws (augmentParams)
// are separate from their application, so a batch on the GPU is augmented there with the same draws
// (native flipTranslate) and gives the same pixels as this host version.
import { Random } from '../util/rng.js';

/** The random choices for `count` examples: [flip (0/1), dy, dx] per example, in the order they are drawn. */
export function augmentParams(count: number, seed: number, iteration: number, pad = 4): Int32Array {
  const rng = new Random(seed, `augment-${iteration}`);
  const p = new Int32Array(3 * count);
  for (let n = 0; n < count; n++) {
    p[3 * n] = rng.uniform() < 0.5 ? 1 : 0;
    p[3 * n + 1] = rng.below(2 * pad + 1) - pad;
    p[3 * n + 2] = rng.below(2 * pad + 1) - pad;
  }
  return p;
}

/**
 * Augment `count` examples of shape [C,H,W] in `dst` (written from `src`, same layout).
 * Zero in the normalised space is the channel mean, as with padding after normalisation in torchvision.
 */
export function augmentBatch(
  src: Float32Array,
  dst: Float32Array,
  count: number,
  shape: number[],
  seed: number,
  iteration: number,
  pad = 4,
): void {
  const [C, H, W] = shape as [number, number, number];
  const params = augmentParams(count, seed, iteration, pad);
  const plane = H * W;
  for (let n = 0; n < count; n++) {
    const flip = params[3 * n] === 1;
    const dy = params[3 * n + 1]!;
    const dx = params[3 * n + 2]!;
    const base = n * C * plane;
    for (let c = 0; c < C; c++) {
      const off = base + c * plane;
      for (let y = 0; y < H; y++) {
        const sy = y + dy;
        for (let x = 0; x < W; x++) {
          const sxRaw = x + dx;
          const sx = flip ? W - 1 - sxRaw : sxRaw;
          dst[off + y * W + x] = sy >= 0 && sy < H && sxRaw >= 0 && sxRaw < W ? src[off + sy * W + sx]! : 0;
        }
      }
    }
  }
}
