// One Conv-4 training step (ICLR 2019 preset `conv4`: batch 60, Adam 3e-4, CIFAR-10-shaped input) with lth on a
// device, timed, for the side-by-side with scripts/gpu/torch_conv4_step.py (PyTorch + cuDNN on the same GPU).
// The first step is checked against the same step on the CPU (same init, same batch) before timing.
// Usage: node scripts/gpu/conv4_step.mjs [--device cuda|cpu] [--steps 200] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { capabilities, fromArray, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { resolveHparams } from '../../packages/core/dist/hparams/presets.js';
import { createModel, initialize } from '../../packages/core/dist/models/registry.js';
import { Optimizer } from '../../packages/core/dist/train/optimizer.js';

const { values: a } = parseArgs({
  options: { device: { type: 'string', default: 'cuda' }, steps: { type: 'string', default: '200' }, json: { type: 'string' } },
});
const steps = Number(a.steps);
if (!['cpu', 'cuda'].includes(a.device)) throw new Error(`--device must be cpu or cuda, got ${a.device}`);
if (!Number.isInteger(steps) || steps < 1) throw new Error('--steps must be an integer >= 1');
if (a.device === 'cuda' && capabilities().cuda.devices.length === 0) {
  console.error('conv4_step: no CUDA device visible');
  process.exit(2);
}
const h = resolveHparams('conv4');
const B = h.dataset.batchSize;
const shape = [3, 32, 32];
let s = 12345;
const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
const x = Float32Array.from({ length: B * 3 * 32 * 32 }, () => rand() * 2 - 1);
const y = Int32Array.from({ length: B }, () => Math.floor(rand() * 10));

function setup(device) {
  const model = createModel(h.model, shape, 10, device);
  initialize(model, h.model, 0);
  const opt = new Optimizer(model.params, h.training);
  const X = fromArray(x, [B, ...shape], { device });
  const Y = fromArray(y, [B], { device });
  const D = zeros([B, 10], { device });
  const step = () => {
    const r = softmaxCrossEntropy(model.forward(X, true), Y, { dlogits: D });
    model.backward(D);
    opt.apply(h.training.lr);
    return r.loss;
  };
  const dispose = () => {
    opt.dispose();
    model.dispose();
    X.dispose();
    Y.dispose();
    D.dispose();
  };
  return { model, step, dispose };
}

const dev = setup(a.device);
const ref = a.device === 'cpu' ? null : setup('cpu');
const loss = dev.step();
if (ref) {
  const want = ref.step();
  if (!(Math.abs(loss - want) <= 1e-4 * Math.abs(want)))
    throw new Error(`first-step loss ${loss} vs CPU ${want}: not timing a wrong result`);
  // Weights after one Adam step: a step moves each weight by at most ~lr, so compare at a fraction of lr.
  for (let i = 0; i < dev.model.params.length; i++) {
    const p = dev.model.params[i].value.download();
    const q = ref.model.params[i].value.download();
    let bad = 0;
    for (let j = 0; j < p.length; j++) if (!(Math.abs(p[j] - q[j]) <= 0.05 * h.training.lr + 1e-6)) bad++;
    if (bad > 0.001 * p.length)
      throw new Error(`${dev.model.params[i].name}: ${bad} of ${p.length} weights differ from the CPU step beyond 5% of lr`);
  }
  ref.dispose();
  console.log(`first step checked against the CPU: loss ${loss.toFixed(5)}`);
}
for (let i = 0; i < 10; i++) dev.step();
const t0 = performance.now();
let last = 0;
for (let i = 0; i < steps; i++) last = dev.step(); // each step reads the loss back: a synchronizing copy
const ms = (performance.now() - t0) / steps;
dev.dispose();
console.log(
  `lth ${a.device}: Conv-4 training step (batch ${B}, Adam) ${ms.toFixed(3)} ms (mean of ${steps}; last loss ${last.toFixed(4)})`,
);
if (a.json)
  writeFileSync(
    a.json,
    `${JSON.stringify({ impl: 'lth', device: a.device, batch: B, steps, msPerStep: ms, caps: capabilities() }, null, 2)}\n`,
  );
