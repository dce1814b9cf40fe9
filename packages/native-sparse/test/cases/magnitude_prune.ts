// Deterministic pruning cases on top of the fast-check properties: LeNet-sized global and per-tensor cases,
// heavy ties across thread chunks, and a large global case (3 tensors, 2M weights).
import { magnitudePrune, pruneByFraction } from '../../lib/index.js';
import { alive, LENET, numel } from '../support/case-inputs.js';
import { exact, parityCase, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface PruneCase {
  name: string;
  sizes: number[];
  /** 'gauss' weights, or a number of distinct magnitudes (massive ties) with random signs. */
  values: 'gauss' | number;
  /** Prior mask density (null = no masks). */
  density: number | null;
  fraction: number;
}

export const pruneCases: PruneCase[] = [
  { name: 'lenet global', sizes: [235200, 30000, 1000], values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'lenet fc1 per tensor', sizes: [235200], values: 'gauss', density: null, fraction: 0.2 },
  { name: 'ties across chunks', sizes: [70001, 3, 50000], values: 5, density: 0.7, fraction: 0.37 },
  { name: 'all equal', sizes: [40000, 40000], values: 1, density: null, fraction: 0.5 },
  { name: 'large global 2M', sizes: [1200000, 600000, 200000], values: 'gauss', density: 0.5, fraction: 0.2 },
];

// Cross-target parity cases for magnitude pruning and pruneByFraction (test/support/parity.ts): exact ties
// everywhere, masks bit for bit.
interface PruneSpec {
  name: string;
  shapes: number[][];
  /** 'gauss' or a number of distinct magnitudes (k/8, random signs): massive exact ties. */
  values: 'gauss' | number;
  density: number | null;
  /** Fraction of the alive weights to prune, or 'all'. */
  fraction: number | 'all';
  inPlace?: boolean;
}

const pruneSpecs: PruneSpec[] = [
  { name: 'per tensor, LeNet fc1', shapes: [LENET[0]!], values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'global, LeNet 266K over 3 tensors', shapes: LENET, values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'global, LeNet 266K, 9 magnitudes (exact ties everywhere)', shapes: LENET, values: 9, density: 0.7, fraction: 0.37 },
  {
    name: 'global, no masks, all |w| equal (ties by tensor then index)',
    shapes: [[200, 200], [1000], [7, 3]],
    values: 1,
    density: null,
    fraction: 0.5,
  },
  { name: 'per tensor, 3 magnitudes, in place', shapes: [[70001]], values: 3, density: 0.9, fraction: 0.45, inPlace: true },
  { name: 'count 0 copies the masks', shapes: [[37, 29], [5]], values: 'gauss', density: 0.5, fraction: 0 },
  { name: 'prune everything alive', shapes: [[37, 29], [5]], values: 4, density: 0.5, fraction: 'all' },
  { name: '1x1', shapes: [[1, 1]], values: 'gauss', density: null, fraction: 'all' },
  { name: 'empty tensor beside a full one', shapes: [[0], [13]], values: 'gauss', density: null, fraction: 0.5 },
];

function pruneWeights(rng: Rng, n: number, values: 'gauss' | number): Float32Array {
  if (values === 'gauss') return randn(rng, n);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((1 + rng.int(values)) / 8) * (rng.next() < 0.5 ? -1 : 1);
  return a;
}

const magnitudePruneParityOnly: ParityCase[] = pruneSpecs.flatMap((s) => {
  const inputs = (rng: Rng) => {
    const w = s.shapes.map((sh) => pruneWeights(rng, numel(sh), s.values));
    const m = s.shapes.map((sh) => (s.density === null ? null : randomMask(rng, numel(sh), s.density)));
    const total = m.reduce((acc, mk, k) => acc + alive(mk, w[k]!.length), 0);
    const count = s.fraction === 'all' ? total : Math.round(s.fraction * total);
    return { w, m, count };
  };
  const label = `${s.name}: [${s.shapes.map((sh) => `[${sh}]`).join(', ')}]`;
  return [
    parityCase('magnitudePrune', label, inputs, (ctx, i) => {
      const weights = i.w.map((w, k) => ctx.up(w, s.shapes[k]!));
      const masks = i.m.map((m, k) => (m ? ctx.up(m, s.shapes[k]!) : null));
      const out = s.inPlace ? masks.map((m) => m!) : undefined;
      const res = magnitudePrune(weights, masks, i.count, { out });
      return Object.fromEntries(res.map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
    }),
  ];
});

const pruneByFractionParity: ParityCase[] = (['layerwise', 'global'] as const).map((scope) =>
  parityCase(
    'pruneByFraction',
    `${scope}, LeNet 266K, fractions ${scope === 'global' ? '.2,.2,0' : '.2,.2,.1'}`,
    (rng) => ({
      w: LENET.map((sh) => pruneWeights(rng, numel(sh), 'gauss')),
      m: LENET.map((sh) => randomMask(rng, numel(sh), 0.8)),
    }),
    (ctx, i) => {
      const weights = i.w.map((w, k) => ctx.up(w, LENET[k]!));
      const masks = i.m.map((m, k) => ctx.up(m, LENET[k]!));
      const res = pruneByFraction(weights, masks, scope === 'global' ? [0.2, 0.2, 0] : [0.2, 0.2, 0.1], scope);
      return Object.fromEntries(res.map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
    },
  ),
);

// Counts out of range and a NaN weight: a NaN under a pruned position is ignored, an alive one refused; the same
// error everywhere.
const pruneErrorSpecs: Array<[string, number | 'alive+1', boolean]> = [
  ['count = alive + 1', 'alive+1', false],
  ['count -1', -1, false],
  ['NaN under a pruned position is ignored', 10, false],
  ['NaN at an alive position', 10, true],
];
const magnitudePruneErrors: ParityCase[] = pruneErrorSpecs.map(([name, count, nanAlive]) =>
  parityCase(
    'magnitudePrune',
    `${name}: [[300], [50]]${name.startsWith('NaN under') ? '' : ', refused'}`,
    (rng) => {
      const w = [randn(rng, 300), randn(rng, 50)];
      const m = randomMask(rng, 300, 0.5);
      m[0] = 0;
      w[0]![0] = NaN; // pruned: ignored
      if (nanAlive) w[1]![17] = NaN; // tensor 1 has no mask: alive
      const total = alive(m, 300) + 50;
      return { w, m, count: count === 'alive+1' ? total + 1 : count };
    },
    (ctx, i) => {
      const weights = [ctx.up(i.w[0]!, [300]), ctx.up(i.w[1]!, [50])];
      const masks = [ctx.up(i.m, [300]), null];
      if (name.startsWith('NaN under')) {
        return Object.fromEntries(magnitudePrune(weights, masks, i.count).map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
      }
      // The reference names the NaN's position; the fast and CUDA kernels find it in a histogram and do not.
      return { error: thrown(() => magnitudePrune(weights, masks, i.count), { sameMessage: !nanAlive }) };
    },
  ),
);

export const magnitudePruneParity: ParityCase[] = [...magnitudePruneParityOnly, ...pruneByFractionParity, ...magnitudePruneErrors];
