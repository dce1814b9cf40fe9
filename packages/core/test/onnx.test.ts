// ONNX export: every architecture round-trips through onnxruntime-node with the native forward's logits
// (max |Δ| ≤ 1e-4 · max |logit|) and predictions; pruned weights are exact zeros; sparse initializers work;
// metadata is present. (onnx.checker was run by hand on exported files; see the core README.)
import { describe, expect, it } from 'vitest';
import { hparamsHash } from '../src/hparams/hash.js';
import { resolveHparams } from '../src/hparams/presets.js';
import { parseHparams } from '../src/hparams/schema.js';
import { createModel, initialize } from '../src/models/registry.js';
import { exportOnnx } from '../src/onnx/export.js';
import { onnx } from '../src/onnx/proto.js';
import { presetsOf, verifyOnnx } from '../src/onnx/level.js';
import { applyMasks } from '../src/lottery/weights.js';
import { Random } from '../src/util/rng.js';

const cases = [
  { model: 'lenet-300-100', input: [1, 28, 28] },
  { model: 'conv2', input: [3, 32, 32] },
  { model: 'conv2-2018', input: [3, 32, 32] },
  { model: 'resnet20', input: [3, 32, 32] },
  { model: 'vgg11', input: [3, 32, 32] },
];

describe.each(cases)('$model', ({ model: name, input }) => {
  it('exports to ONNX and gives the native logits in onnxruntime-node', async () => {
    const h = parseHparams({ model: { model: name } });
    const model = createModel(h.model, input, 10, 'cpu');
    try {
      initialize(model, h.model, 3);
      const rng = new Random(4);
      for (const p of model.params) {
        if (p.mask) p.mask.upload(new Uint8Array(p.mask.numel).map(() => (rng.uniform() < 0.6 ? 0 : 1)));
        if (p.kind === 'bn') p.value.upload(Float32Array.from({ length: p.value.numel }, () => 0.5 + rng.uniform()));
        if (p.kind === 'bias') p.value.upload(Float32Array.from({ length: p.value.numel }, () => 0.1 * rng.normal()));
      }
      for (const b of model.buffers()) {
        b.value.upload(Float32Array.from({ length: b.value.numel }, () => (b.name.endsWith('running_var') ? 0.5 + rng.uniform() : 0.2 * rng.normal())));
      }
      applyMasks(model.params);
      const n = 12;
      const size = input.reduce((a, b) => a * b, 1);
      const split = { x: Float32Array.from({ length: n * size }, () => rng.normal()), y: Int32Array.from({ length: n }, () => rng.below(10)), count: n };
      const hasBn = model.params.some((p) => p.kind === 'bn');
      for (const { sparse, fold } of [{ sparse: false, fold: false }, { sparse: true, fold: false }, ...(hasBn ? [{ sparse: false, fold: true }, { sparse: true, fold: true }] : [])]) {
        const r = exportOnnx(model, { sparse, foldBatchNorm: fold, metadata: { 'lth.level': '3' } });
        const m = onnx.ModelProto.decode(r.bytes);
        expect(Number(m.opsetImport[0]!.version)).toBe(17);
        expect(m.metadataProps.find((p) => p.key === 'lth.level')?.value).toBe('3');
        const bnNodes = m.graph!.node.filter((n) => n.opType === 'BatchNormalization').length;
        if (hasBn) expect(bnNodes === 0, `fold ${fold}: ${bnNodes} BatchNormalization nodes`).toBe(fold);
        if (sparse) expect(m.graph!.sparseInitializer.length).toBe(model.params.filter((p) => p.mask).length);
        else {
          // Pruned weights are exact zeros in the dense initializers.
          const fc = model.params.find((p) => p.mask)!;
          const init = m.graph!.initializer.find((t) => t.name === fc.name)!;
          const w = new Float32Array(Uint8Array.from(init.rawData!).buffer); // copy: decoded bytes may be a view into a shared buffer
          const mask = fc.mask!.download();
          expect(w.every((v, i) => mask[i] || v === 0)).toBe(true);
        }
        const v = await verifyOnnx(r.bytes, model, split);
        expect(v.relMaxDiff).toBeLessThanOrEqual(1e-4);
        expect(v.agreement).toBe(1);
        expect(v.accuracy.onnx).toBe(v.accuracy.native);
      }
    } finally {
      model.dispose();
    }
  }, 60_000);
});

describe('lth.preset metadata', () => {
  it('names the published preset a run is, ignoring levels and trials, and none for a custom setup', () => {
    expect(presetsOf(hparamsHash(resolveHparams('quickstart')))).toBe('quickstart');
    expect(presetsOf(hparamsHash(resolveHparams('lenet', { lottery: { levels: 3, trials: 2 } })))).toBe('lenet');
    expect(presetsOf(hparamsHash(resolveHparams('lenet', { training: { lr: 0.5 } })))).toBe('none');
  });
});
