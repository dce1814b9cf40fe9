import { describe, expect, it } from 'vitest';
import { augmentBatch } from '../src/data/augment.js';

describe('CIFAR augmentation', () => {
  const shape = [2, 6, 6];
  const n = 50;
  const src = Float32Array.from({ length: n * 72 }, (_, i) => 1 + (i % 97));

  it('is a pure function of (seed, iteration)', () => {
    const a = new Float32Array(src.length);
    const b = new Float32Array(src.length);
    augmentBatch(src, a, n, shape, 3, 10);
    augmentBatch(src, b, n, shape, 3, 10);
    expect(Array.from(a)).toEqual(Array.from(b));
    augmentBatch(src, b, n, shape, 3, 11);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('each output is a flip and/or translation of its input, with zero fill, shifts within ±4', () => {
    const out = new Float32Array(src.length);
    augmentBatch(src, out, n, shape, 1, 0);
    let flips = 0;
    for (let e = 0; e < n; e++) {
      let found = false;
      for (const flip of [false, true]) {
        for (let dy = -4; dy <= 4 && !found; dy++) {
          for (let dx = -4; dx <= 4 && !found; dx++) {
            let ok = true;
            for (let c = 0; c < 2 && ok; c++)
              for (let y = 0; y < 6 && ok; y++)
                for (let x = 0; x < 6 && ok; x++) {
                  const sy = y + dy,
                    sxr = x + dx,
                    sx = flip ? 5 - sxr : sxr;
                  const want = sy >= 0 && sy < 6 && sxr >= 0 && sxr < 6 ? src[e * 72 + c * 36 + sy * 6 + sx]! : 0;
                  ok = out[e * 72 + c * 36 + y * 6 + x] === want;
                }
            if (ok) {
              found = true;
              if (flip) flips++;
            }
          }
        }
      }
      expect(found, `example ${e}`).toBe(true);
    }
    expect(flips).toBeGreaterThan(5);
    expect(flips).toBeLessThan(45);
  });
});
