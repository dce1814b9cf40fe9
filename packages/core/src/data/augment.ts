// CIFAR augmentation (He et al. 2016; open_lth): random horizontal flip (p = 0.5) and a random translation of
// up to `pad` pixels in each direction (zero padding, then a crop), drawn from a stream seeded by the data
// seed and the iteration, so a resumed run augments exactly as an uninterrupted one.
import { Random } from '../util/rng.js';

/**
 * Augment `count` examples of shape [C,H,W] in `dst` (written in place from `src`, same layout).
 * Zero in the normalised space is the channel mean, as with padding after normalisation in torchvision.
 */
export function augmentBatch(src: Float32Array, dst: Float32Array, count: number, shape: number[], seed: number, iteration: number, pad = 4): void {
  const [C, H, W] = shape as [number, number, number];
  const rng = new Random(seed, `augment-${iteration}`);
  const plane = H * W;
  for (let n = 0; n < count; n++) {
    const flip = rng.uniform() < 0.5;
    const dy = rng.below(2 * pad + 1) - pad;
    const dx = rng.below(2 * pad + 1) - pad;
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
