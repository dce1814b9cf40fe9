// Every model: forward shape, gradients that match a directional finite difference of the loss, exact zero
// gradients at pruned weights, and seeded initialisation that repeats.
import { fromArray, softmaxCrossEntropy, type Tensor } from '@lth/native-sparse';
import { describe, expect, it } from 'vitest';
import { parseHparams } from '../src/hparams/schema.js';
import { createModel, initialize } from '../src/models/registry.js';
import type { Model } from '../src/models/types.js';
import { Random } from '../src/util/rng.js';

// `derivative`: run the directional finite-difference check (the big-FC nets only check shapes and masks
// to keep the fast suite fast; they are built from the same, checked layers).
const cases: Array<{ model: string; input: number[]; batch: number; derivative: boolean }> = [
  { model: 'lenet-300-100', input: [1, 28, 28], batch: 3, derivative: true },
  { model: 'mlp-7-5', input: [1, 4, 4], batch: 2, derivative: true },
  { model: 'conv2', input: [3, 32, 32], batch: 2, derivative: false },
  { model: 'conv4', input: [3, 32, 32], batch: 2, derivative: false },
  { model: 'conv6', input: [3, 32, 32], batch: 2, derivative: true },
  { model: 'conv2-2018', input: [3, 32, 32], batch: 2, derivative: true },
  { model: 'conv4-2018', input: [3, 32, 32], batch: 2, derivative: false },
  { model: 'resnet20', input: [3, 32, 32], batch: 3, derivative: true },
  { model: 'vgg11', input: [3, 32, 32], batch: 2, derivative: false },
];

function lossOf(model: Model, x: Tensor<'f32'>, y: Tensor<'i32'>): number {
  return softmaxCrossEntropy(model.forward(x, true), y, { dlogits: false }).loss;
}

describe.each(cases)('$model', ({ model: name, input, batch, derivative }) => {
  it('forward/backward: shapes, directional derivative, zero gradient at pruned weights', () => {
    const h = parseHparams({ model: { model: name } });
    const model = createModel(h.model, input, 10, 'cpu');
    try {
      initialize(model, h.model, 5);
      const rng = new Random(9);
      // Prune ~30% of every prunable weight at random.
      for (const p of model.params) {
        if (!p.mask) continue;
        const m = new Uint8Array(p.mask.numel).map(() => (rng.uniform() < 0.3 ? 0 : 1));
        p.mask.upload(m);
      }
      const n = input.reduce((a, b) => a * b, 1);
      const x = fromArray(
        Float32Array.from({ length: batch * n }, () => rng.normal()),
        [batch, ...input],
      );
      const y = fromArray(
        Int32Array.from({ length: batch }, () => rng.below(10)),
        [batch],
      );
      const logits = model.forward(x, true);
      expect(logits.shape).toEqual([batch, 10]);
      const r = softmaxCrossEntropy(logits, y);
      expect(Number.isFinite(r.loss)).toBe(true);
      model.backward(r.dlogits!);
      r.dlogits!.dispose();

      const grads = model.params.map((p) => p.grad.download());
      const masks = model.params.map((p) => p.mask?.download() ?? null);
      for (const [i, p] of model.params.entries()) {
        expect(grads[i]!.every(Number.isFinite), `${p.name} finite`).toBe(true);
        if (!masks[i]) continue;
        let nonzero = 0;
        for (let j = 0; j < grads[i]!.length; j++) if (!masks[i]![j] && !Object.is(grads[i]![j], 0)) nonzero++;
        expect(nonzero, `${p.name}: gradients at pruned positions`).toBe(0);
      }
      if (!derivative) return;
      // Directional derivative: (L(w + εd) − L(w − εd)) / 2ε ≈ Σ ⟨∇L, d⟩ over all parameters.
      const values = model.params.map((p) => p.value.download());
      const dirs = model.params.map((p, i) =>
        Float32Array.from({ length: p.value.numel }, (_, j) => (masks[i] && !masks[i]![j] ? 0 : rng.normal())),
      );
      // A unit-norm direction: the step must stay small for ReLU/max-pool switching to be negligible.
      const norm = Math.sqrt(dirs.reduce((a, d) => a + d.reduce((b, v) => b + v * v, 0), 0));
      dirs.forEach((d) => d.forEach((v, j) => (d[j] = v / norm)));
      let predicted = 0;
      grads.forEach((g, i) => {
        for (let j = 0; j < g.length; j++) predicted += g[j]! * dirs[i]![j]!;
      });
      const eps = 3e-3;
      const shift = (s: number) => model.params.forEach((p, i) => p.value.upload(values[i]!.map((v, j) => v + s * eps * dirs[i]![j]!)));
      shift(1);
      const lp = lossOf(model, x, y);
      shift(-1);
      const lm = lossOf(model, x, y);
      shift(0);
      const numeric = (lp - lm) / (2 * eps);
      expect(Math.abs(numeric - predicted)).toBeLessThanOrEqual(0.03 * Math.abs(predicted) + 2e-4);
      x.dispose();
      y.dispose();
    } finally {
      model.dispose();
    }
  });
});

describe('initialisation', () => {
  it('one seed gives the same network; prunable kinds are named as the presets expect', () => {
    const h = parseHparams({ model: { model: 'resnet20' } });
    const a = createModel(h.model, [3, 32, 32], 10, 'cpu');
    const b = createModel(h.model, [3, 32, 32], 10, 'cpu');
    initialize(a, h.model, 3);
    initialize(b, h.model, 3);
    a.params.forEach((p, i) => expect(Array.from(p.value.download())).toEqual(Array.from(b.params[i]!.value.download())));
    const kinds = new Set(a.params.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['bias', 'bn', 'conv', 'output']);
    expect(a.params.find((p) => p.kind === 'output')!.layer).toBe('fc');
    expect(a.buffers().length).toBe(2 * 21); // running mean/var of 19 + 2 shortcut batch norms
    a.dispose();
    b.dispose();
    expect(() => createModel(parseHparams({ model: { model: 'conv2' } }).model, [784], 10, 'cpu')).toThrow(/needs image inputs/);
  });
});
