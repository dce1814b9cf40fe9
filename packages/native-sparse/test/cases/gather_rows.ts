// Case table for gatherRows: a dataset table gathered by a shuffled batch index (repeats allowed), f32 images and
// i32 labels, bit for bit on every target.
import { gatherRows } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { exact, parityCase, type ParityCase } from '../support/parity.js';
import { randn, randomLabels } from '../support/random.js';

const gatherSpecs: { name: string; rows: number; row: number[]; n: number }[] = [
  { name: 'MNIST batch 60', rows: 1000, row: [1, 28, 28], n: 60 },
  { name: 'CIFAR batch 128', rows: 300, row: [3, 32, 32], n: 128 },
  { name: 'single word rows', rows: 17, row: [], n: 33 },
  { name: 'empty batch', rows: 5, row: [4], n: 0 },
];
export const gatherRowsParity: ParityCase[] = gatherSpecs.map((g) =>
  parityCase(
    'gatherRows',
    `${g.name}: [${g.rows},${g.row}] by ${g.n} indices`,
    (rng) => {
      const index = new Int32Array(g.n);
      for (let k = 0; k < g.n; k++) index[k] = rng.int(g.rows);
      return { table: randn(rng, g.rows * numel(g.row)), labels: randomLabels(rng, g.rows, 10), index };
    },
    (ctx, i) => {
      const idx = ctx.up(i.index, [g.n]);
      return {
        x: exact(ctx.down(gatherRows(ctx.up(i.table, [g.rows, ...g.row]), idx))),
        y: exact(ctx.down(gatherRows(ctx.up(i.labels, [g.rows]), idx))),
      };
    },
  ),
);
