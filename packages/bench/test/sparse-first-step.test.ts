// Sparse-aware training (issue 15) takes the same first step as masked-dense: LeNet-300-100 pruned by magnitude
// to IMP level 8's density (fc 16.8%, output 43.0%), one step of forward, softmax cross-entropy, backward and Adam
// on each path from the same weights and batch, compared by the bench's first-step rule (src/first-step.ts:
// loss to 1e-3, gradients to 1e-2 in L2 with at most 0.1% entries at kinks, updated weights to 1e-3 where the
// gradients agree). The sparse path also keeps every pruned gradient, weight and Adam state entry exactly 0.
import {
  configureTrainPaths,
  createModel,
  initialize,
  oneShotFraction,
  Optimizer,
  planLevel,
  applyPlan,
  resolveHparams,
  type Model,
} from '@lth/core';
import { fromArray, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { describe, expect, it } from 'vitest';
import { compareFirstStep } from '../src/first-step.js';
import { uniforms } from '../src/sparse-layer-step.js';

const h = resolveHparams('lenet');
const B = 60;

/** LeNet at level 8's masks (magnitude-pruned from the seeded init), masked weights. */
function prunedLenet(): Model {
  const model = createModel(h.model, [784], 10, 'cpu');
  initialize(model, h.model, 7);
  applyPlan(planLevel(model.params, h.pruning, oneShotFraction(8)));
  for (const p of model.params) {
    if (!p.mask) continue;
    const m = p.mask.download();
    p.value.upload(p.value.download().map((v, i) => (m[i] ? v : 0)));
  }
  return model;
}

function step(sparse: boolean) {
  const model = prunedLenet();
  const rand = uniforms(11);
  const x = fromArray(
    Float32Array.from({ length: B * 784 }, () => rand()),
    [B, 784],
    { device: 'cpu' },
  );
  const y = fromArray(
    Int32Array.from({ length: B }, () => Math.floor(rand() * 10)),
    [B],
    { device: 'cpu' },
  );
  const D = zeros([B, 10], { device: 'cpu' });
  const opt = new Optimizer(model.params, h.training);
  try {
    const paths = configureTrainPaths(model, { request: sparse ? 'sparse' : 'dense' });
    const r = softmaxCrossEntropy(model.forward(x, true), y, { dlogits: D });
    model.backward(D);
    const grads = model.params.map((p) => p.grad.download());
    opt.apply(h.training.lr);
    const state = opt.state().tensors;
    return {
      paths: paths.map((p) => p.path),
      loss: r.loss,
      params: model.params.map((p, i) => ({ name: p.name, grad: grads[i]!, value: p.value.download(), mask: p.mask?.download() ?? null })),
      state: Object.fromEntries(Object.entries(state).map(([k, t]) => [k, t.download()])),
    };
  } finally {
    opt.dispose();
    for (const t of [x, y, D]) t.dispose();
    model.dispose();
  }
}

describe('sparse vs masked-dense LeNet-300-100 first step', () => {
  it('agree by the first-step rule; pruned entries stay exactly 0 on the sparse path', () => {
    const dense = step(false);
    const sparse = step(true);
    expect(dense.paths).toEqual(['dense', 'dense', 'dense']);
    expect(sparse.paths).toEqual(['sparse', 'sparse', 'sparse']);
    const check = compareFirstStep('sparse vs masked-dense', sparse, {
      loss: dense.loss,
      grads: dense.params.map((p) => p.grad),
      values: dense.params.map((p) => p.value),
    });
    expect(check.gradL2).toBeLessThan(1e-5);
    for (const p of sparse.params) {
      if (!p.mask) continue;
      const alive = p.mask.reduce((a, v) => a + v, 0);
      expect(alive / p.mask.length).toBeLessThan(p.name === 'fc3.weight' ? 0.5 : 0.2);
      const m = sparse.state[`${p.name}.slot0`]!;
      const v = sparse.state[`${p.name}.slot1`]!;
      const nonzeroPruned = [];
      for (let i = 0; i < p.mask.length; i++)
        if (!p.mask[i] && (p.grad[i] !== 0 || p.value[i] !== 0 || m[i] !== 0 || v[i] !== 0)) nonzeroPruned.push(i);
      expect(nonzeroPruned, `${p.name}: pruned entries with a nonzero gradient, weight or Adam state`).toEqual([]);
    }
  });
});
