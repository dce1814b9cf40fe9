// flipTranslate: values against a plain JS definition on every kernel target, and its argument errors.
import { expect, it } from 'vitest';
import { flipTranslate, fromArray, zeros } from '../lib/index.js';
import { flipTranslateCases } from './cases/flip_translate.js';
import { expectEqualArrays } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { randn, Rng } from './support/random.js';
import { errorCode as code, tensorTracker } from './support/tensors.js';

const track = tensorTracker();

function flipTranslateRef(src: Float32Array, [n, C, H, W]: number[], params: Int32Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let k = 0; k < n!; k++) {
    const [flip, dy, dx] = [params[3 * k]!, params[3 * k + 1]!, params[3 * k + 2]!];
    for (let c = 0; c < C!; c++) {
      for (let y = 0; y < H!; y++) {
        for (let x = 0; x < W!; x++) {
          const sy = y + dy,
            sx = x + dx;
          const i = ((k * C! + c) * H! + y) * W! + x;
          out[i] = sy >= 0 && sy < H! && sx >= 0 && sx < W! ? src[((k * C! + c) * H! + sy) * W! + (flip ? W! - 1 - sx : sx)]! : 0;
        }
      }
    }
  }
  return out;
}

describeEachTarget('flipTranslate', (target) => {
  const dev = { device: target.device } as const;
  for (const { shape } of flipTranslateCases) {
    it(`[${shape}]: every shift in [-5, 5] with and without flip, and shifts past the edge`, () => {
      const rng = new Rng(shape.reduce((a, b) => a * 31 + b, 1));
      const n = shape[0]!;
      const src = randn(rng, n * shape[1]! * shape[2]! * shape[3]!);
      const params = new Int32Array(3 * n);
      for (let k = 0; k < n; k++) {
        params[3 * k] = k % 2;
        params[3 * k + 1] = k === 1 ? shape[2]! + 3 : rng.int(11) - 5;
        params[3 * k + 2] = k === 2 ? -shape[3]! : rng.int(11) - 5;
      }
      const out = track(flipTranslate(track(fromArray(src, shape, dev)), track(fromArray(params, [n, 3], dev))));
      expectEqualArrays(out.download(), flipTranslateRef(src, shape, params), 'out');
    });
  }

  it('argument errors', () => {
    const src = track(zeros<'f32'>([2, 1, 4, 4], dev));
    const p = track(fromArray(new Int32Array(6), [2, 3], dev));
    expect(code(() => flipTranslate(src, p, { out: src }))).toBe('ERR_ALIAS');
    expect(code(() => flipTranslate(src, track(fromArray(new Int32Array(3), [1, 3], dev))))).toBe('ERR_SHAPE');
    expect(code(() => flipTranslate(track(zeros([2, 16], dev)), p))).toBe('ERR_SHAPE');
    expect(code(() => flipTranslate(src, p, { out: track(zeros<'f32'>([2, 1, 4, 5], dev)) }))).toBe('ERR_SHAPE');
  });
});
