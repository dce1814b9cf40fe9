// Case table for gatherRows: a dataset table gathered by a shuffled batch index (repeats allowed), f32 images and
// i32 labels, bit for bit on every target.
import { gatherRows } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { exact, parityCase, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomLabels } from '../support/random.js';

const gatherSpecs: { name: string; rows: number; row: number[]; n: number }[] = [
  { name: 'MNIST batch 60', rows: 1000, row: [1, 28, 28], n: 60 },
  { name: 'CIFAR batch 128', rows: 300, row: [3, 32, 32], n: 128 },
  { name: 'single word rows', rows: 17, row: [], n: 33 },
  { name: 'empty batch', rows: 5, row: [4], n: 0 },
];
const gatherRowsValues: ParityCase[] = gatherSpecs.map((g) =>
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

// An index outside the table (the only bad one, or the first of two): the same error on every target, naming the
// first bad position.
const gatherRowsErrors: ParityCase[] = [-1, 37, 2 ** 31 - 1].flatMap((bad) =>
  [false, true].map((second) =>
    parityCase(
      'gatherRows',
      `index ${bad} at position 35 of 70${second ? ', and -3 at the end' : ''}: refused`,
      (rng) => {
        const index = new Int32Array(70);
        for (let k = 0; k < 70; k++) index[k] = rng.int(37);
        index[35] = bad;
        if (second) index[69] = -3;
        return { table: randn(rng, 37 * 50), index };
      },
      (ctx, i) => ({ error: thrown(() => gatherRows(ctx.up(i.table, [37, 50]), ctx.up(i.index, [70]))) }),
    ),
  ),
);

export const gatherRowsParity: ParityCase[] = [...gatherRowsValues, ...gatherRowsErrors];
