// Case table for the tensor transfers: f32/u8/i32 round trips bit for bit on every target.
import { bytes } from '../support/case-inputs.js';
import { randn } from '../support/random.js';
import { exact, parityCase, type ParityCase } from '../support/parity.js';

export const tensorParity: ParityCase[] = [
  parityCase(
    'Tensor.upload/download',
    'f32/u8/i32 round trip, reshape, zero()',
    (rng) => ({
      f: Float32Array.from([...randn(rng, 1000), NaN, -0, Infinity, -Infinity, 1e-45]),
      u: bytes(rng, 1001, 0.3),
      i: Int32Array.from({ length: 999 }, () => rng.int(2 ** 32) - 2 ** 31),
    }),
    (ctx, d) => {
      const f = ctx.up(d.f, [d.f.length]);
      const r = ctx.track(f.reshape([5, d.f.length / 5]));
      const z = ctx.up(d.u, [d.u.length]);
      return {
        f: exact(ctx.down(f)),
        reshaped: exact(r.download()),
        u: exact(ctx.down(z)),
        i: exact(ctx.down(ctx.up(d.i, [d.i.length]))),
        zeroed: exact(ctx.up(d.u, [7, 143]).zero().download()),
      };
    },
  ),
];
