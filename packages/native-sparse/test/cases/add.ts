// Case table for add (the residual add): cross-target parity on the elementwise shapes of relu.ts.
import { add } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { parityCase, same, type ParityCase } from '../support/parity.js';
import { randn } from '../support/random.js';
import { elementwiseShapes } from './relu.js';

export const addParity: ParityCase[] = elementwiseShapes.map((s) =>
  parityCase(
    'add',
    `[${s}]`,
    (rng) => ({ a: randn(rng, numel(s)), b: randn(rng, numel(s)) }),
    (ctx, i) => ({ y: same(ctx.down(add(ctx.up(i.a, s), ctx.up(i.b, s)))) }),
  ),
);
