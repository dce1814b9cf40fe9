// Deterministic pruning cases on top of the fast-check properties: LeNet-sized global and per-tensor cases, heavy
// and exact ties (across thread chunks, by tensor then index), counts 0 and 'everything alive', in place, empty
// tensors, and a large global case (3 tensors, 2M weights). One table: prune.test.ts checks every case on the fast
// kernel (1, 2 and 3 threads) against the C++ reference loops and the unique result, and every case is a
// cross-target parity case (test/support/parity.ts): exact ties everywhere, masks bit for bit.
import { magnitudePrune, pruneByFraction } from '../../lib/index.js';
import { alive, LENET, numel } from '../support/case-inputs.js';
import { exact, parityCase, type CaseSize, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface PruneCase {
  name: string;
  shapes: number[][];
  /** 'gauss' weights, or a number of distinct magnitudes (massive exact ties) with random signs. */
  values: 'gauss' | number;
  /** Prior mask density (null = no masks). */
  density: number | null;
  /** Fraction of the alive weights to prune, or 'all'. */
  fraction: number | 'all';
  /** Parity: the result written over the masks. */
  inPlace?: boolean;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const small = 'small' as const;

export const pruneCases: PruneCase[] = [
  { name: 'per tensor, LeNet fc1', shapes: [LENET[0]!], values: 'gauss', density: 0.8, fraction: 0.2, size: small },
  { name: 'per tensor, LeNet fc1, no masks', shapes: [LENET[0]!], values: 'gauss', density: null, fraction: 0.2, size: small },
  { name: 'global, LeNet 266K over 3 tensors', shapes: LENET, values: 'gauss', density: 0.8, fraction: 0.2, size: small },
  { name: 'global, LeNet 266K, 9 magnitudes (exact ties everywhere)', shapes: LENET, values: 9, density: 0.7, fraction: 0.37, size: small },
  { name: 'ties across chunks', shapes: [[70001], [3], [50000]], values: 5, density: 0.7, fraction: 0.37, size: small },
  { name: 'all equal', shapes: [[40000], [40000]], values: 1, density: null, fraction: 0.5, size: small },
  {
    name: 'global, no masks, all |w| equal (ties by tensor then index)',
    shapes: [[200, 200], [1000], [7, 3]],
    values: 1,
    density: null,
    fraction: 0.5,
    size: small,
  },
  { name: 'per tensor, 3 magnitudes, in place', shapes: [[70001]], values: 3, density: 0.9, fraction: 0.45, inPlace: true, size: small },
  { name: 'count 0 copies the masks', shapes: [[37, 29], [5]], values: 'gauss', density: 0.5, fraction: 0, size: small },
  { name: 'prune everything alive', shapes: [[37, 29], [5]], values: 4, density: 0.5, fraction: 'all', size: small },
  { name: '1x1', shapes: [[1, 1]], values: 'gauss', density: null, fraction: 'all', size: small },
  { name: 'empty tensor beside a full one', shapes: [[0], [13]], values: 'gauss', density: null, fraction: 0.5, size: small },
  { name: 'large global 2M', shapes: [[1200000], [600000], [200000]], values: 'gauss', density: 0.5, fraction: 0.2, size: 'realistic' },
];

// Cross-target parity cases for magnitude pruning and pruneByFraction (test/support/parity.ts).
function pruneWeights(rng: Rng, n: number, values: 'gauss' | number): Float32Array {
  if (values === 'gauss') return randn(rng, n);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((1 + rng.int(values)) / 8) * (rng.next() < 0.5 ? -1 : 1);
  return a;
}

const magnitudePruneValues: ParityCase[] = pruneCases.flatMap((s) => {
  const inputs = (rng: Rng) => {
    const w = s.shapes.map((sh) => pruneWeights(rng, numel(sh), s.values));
    const m = s.shapes.map((sh) => (s.density === null ? null : randomMask(rng, numel(sh), s.density)));
    const total = m.reduce((acc, mk, k) => acc + alive(mk, w[k]!.length), 0);
    const count = s.fraction === 'all' ? total : Math.round(s.fraction * total);
    return { w, m, count };
  };
  const label = `${s.name}: [${s.shapes.map((sh) => `[${sh}]`).join(', ')}]`;
  return [
    parityCase(
      'magnitudePrune',
      label,
      inputs,
      (ctx, i) => {
        const weights = i.w.map((w, k) => ctx.up(w, s.shapes[k]!));
        const masks = i.m.map((m, k) => (m ? ctx.up(m, s.shapes[k]!) : null));
        const out = s.inPlace ? masks.map((m) => m!) : undefined;
        const res = magnitudePrune(weights, masks, i.count, { out });
        return Object.fromEntries(res.map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
      },
      s.size,
    ),
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

export const magnitudePruneParity: ParityCase[] = [...magnitudePruneValues, ...pruneByFractionParity, ...magnitudePruneErrors];
