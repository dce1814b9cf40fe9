// Case table for adam_step: the Adam/AdamW options over sgd_step.ts's grid of sizes and densities, plus
// model-sized and degenerate entries at later step indices. One table, `adamCases`: optim.test.ts steps every
// entry `optimSteps` times (from its `step`) against the float64 reference and steps every masked entry with
// `positions` = the mask's alive indices against the masked step; `adamStepParity` makes every entry a
// cross-target parity row (one step at `step`), masked ones also in their positions variant, plus the
// `positions` refusals.
import type { AdamRefParams } from '../reference/optim.js';
import { adamStep } from '../../lib/index.js';
import type { ParityCase } from '../support/parity.js';
import { optimGrid, optimParity, optimSize, positionsErrorParity, restriction, type OptimCase } from './sgd_step.js';

/** Adam's hyperparameters and the 1-based index of the (first) step. */
export type AdamCaseParams = AdamRefParams & { step: number };

const adamParams: Array<{ name: string; p: AdamCaseParams }> = [
  { name: 'default', p: { lr: 1.2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 } },
  { name: 'L2 wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false, step: 1 } },
  { name: 'AdamW wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, step: 1 } },
  { name: 'betas .5 .9 eps 1e-3', p: { lr: 3e-4, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0, decoupled: false, step: 1 } },
  { name: 'beta1 0', p: { lr: 1e-3, beta1: 0, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 } },
];

/** An entry with adamStep's defaults for the options left out. */
const adam = (
  name: string,
  n: number,
  density: number | null,
  p: Partial<AdamCaseParams> & { lr: number; step: number },
): OptimCase<AdamCaseParams> => ({
  name,
  n,
  density,
  p: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, ...p },
  size: optimSize(n),
});

export const adamCases: Array<OptimCase<AdamCaseParams>> = [
  ...optimGrid(adamParams),
  adam('Adam step 1, LeNet fc1', 235200, 0.2, { lr: 1.2e-3, step: 1 }),
  adam('Adam L2 wd 1e-2, step 7', 4097, 0.5, { lr: 1e-3, step: 7, weightDecay: 1e-2 }),
  adam('AdamW wd 1e-2, step 100, no mask', 1001, null, { lr: 1e-3, step: 100, weightDecay: 1e-2, decoupled: true }),
  adam('AdamW beta1 0 eps 1e-3, nothing pruned', 333, 1, { lr: 3e-4, step: 3, beta1: 0, eps: 1e-3, weightDecay: 0.1, decoupled: true }),
  adam('all pruned', 65, 0, { lr: 1e-3, step: 2 }),
  adam('one weight', 1, 1, { lr: 1e-3, step: 1 }),
  adam('empty', 0, null, { lr: 1e-3, step: 1 }),
];

export const adamStepParity: ParityCase[] = [
  ...optimParity('adamStep', adamCases, (ctx, c, i, how) => {
    const n = c.n;
    const [w, m, v] = [ctx.up(i.w, [n]), ctx.up(i.s1, [n]), ctx.up(i.s2, [n])];
    adamStep(w, ctx.up(i.g, [n]), { ...c.p, ...restriction(ctx, i, how), m, v });
    return { w: ctx.down(w), m: ctx.down(m), v: ctx.down(v) };
  }),
  ...positionsErrorParity('adamStep', (ctx, i, r) => {
    adamStep(ctx.up(i.w, [6]), ctx.up(i.g, [6]), { lr: 1e-3, step: 1, m: ctx.up(i.s1, [6]), v: ctx.up(i.s2, [6]), ...r });
  }),
];
