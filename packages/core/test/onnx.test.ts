// ONNX export: every architecture round-trips through onnxruntime-node with the native forward's logits
// (max |Δ| ≤ 1e-4 · max |logit|) and predictions, fed raw uint8 pixels that the graph normalises as training
// does; pruned weights are exact zeros; sparse initializers and folded batch norm work; the file declares its
// input, preprocessing and class labels. (onnx.checker was run by hand on exported files; see the core README.)
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../src/data/idx.js';
import { prepare } from '../src/data/prepare.js';
import type { DatasetName } from '../src/data/registry.js';
import { hparamsHash } from '../src/hparams/hash.js';
import { resolveHparams } from '../src/hparams/presets.js';
import { parseHparams } from '../src/hparams/schema.js';
import { createModel, initialize } from '../src/models/registry.js';
import type { Model } from '../src/models/types.js';
import { exportOnnx } from '../src/onnx/export.js';
import { readOnnxSignature } from '../src/onnx/inspect.js';
import { onnx } from '../src/onnx/proto.js';
import { presetsOf, verifyOnnx } from '../src/onnx/level.js';
import { applyMasks } from '../src/lottery/weights.js';
import { fromArray } from '@lth/native-sparse';
import { Random } from '../src/util/rng.js';

const cases: Array<{ model: string; dataset: DatasetName; input: [number, number, number] }> = [
  { model: 'lenet-300-100', dataset: 'mnist', input: [1, 28, 28] },
  { model: 'conv2', dataset: 'cifar10', input: [3, 32, 32] },
  { model: 'conv2-2018', dataset: 'cifar10', input: [3, 32, 32] },
  { model: 'resnet20', dataset: 'cifar10', input: [3, 32, 32] },
  { model: 'vgg11', dataset: 'cifar10', input: [3, 32, 32] },
];

/** Random uint8 images of one shape (the full 0..255 range, so scaling mistakes show). */
function randomImages(shape: [number, number, number], count: number, rng: Random): ImageSet {
  const size = shape[0] * shape[1] * shape[2];
  return {
    images: Uint8Array.from({ length: count * size }, () => rng.below(256)),
    labels: Uint8Array.from({ length: count }, () => rng.below(10)),
    count,
    shape,
    classes: 10,
  };
}

/** A model with seeded weights, ~60% of prunable weights masked to 0, non-trivial biases and batch-norm state. */
function prunedModel(name: string, input: number[], rng: Random): Model {
  const h = parseHparams({ model: { model: name } });
  const model = createModel(h.model, input, 10, 'cpu');
  initialize(model, h.model, 3);
  for (const p of model.params) {
    if (p.mask) p.mask.upload(new Uint8Array(p.mask.numel).map(() => (rng.uniform() < 0.6 ? 0 : 1)));
    if (p.kind === 'bn') p.value.upload(Float32Array.from({ length: p.value.numel }, () => 0.5 + rng.uniform()));
    if (p.kind === 'bias') p.value.upload(Float32Array.from({ length: p.value.numel }, () => 0.1 * rng.normal()));
  }
  for (const b of model.buffers()) {
    b.value.upload(
      Float32Array.from({ length: b.value.numel }, () => (b.name.endsWith('running_var') ? 0.5 + rng.uniform() : 0.2 * rng.normal())),
    );
  }
  applyMasks(model.params);
  return model;
}

describe.each(cases)('$model', ({ model: name, dataset, input }) => {
  it('exports to ONNX and, fed raw pixels, gives the native logits in onnxruntime-node', async () => {
    const rng = new Random(4);
    const model = prunedModel(name, input, rng);
    try {
      const images = randomImages(input, 12, rng);
      const hasBn = model.params.some((p) => p.kind === 'bn');
      const variants = [
        { sparse: false, fold: false, input: 'pixels' as const },
        { sparse: true, fold: false, input: 'pixels' as const },
        { sparse: false, fold: false, input: 'normalized' as const },
        ...(hasBn
          ? [
              { sparse: false, fold: true, input: 'pixels' as const },
              { sparse: true, fold: true, input: 'pixels' as const },
            ]
          : []),
      ];
      for (const { sparse, fold, input: format } of variants) {
        const r = exportOnnx(model, { dataset, input: format, sparse, foldBatchNorm: fold, metadata: { 'lth.level': '3' } });
        const m = onnx.ModelProto.decode(r.bytes);
        expect(Number(m.opsetImport[0]!.version)).toBe(17);
        expect(m.metadataProps.find((p) => p.key === 'lth.level')?.value).toBe('3');
        const sig = readOnnxSignature(r.bytes);
        expect(sig.input).toMatchObject(
          format === 'pixels' ? { name: 'pixels', dtype: 'uint8' } : { name: 'normalized_pixels', dtype: 'float32' },
        );
        expect(sig.input.dims).toEqual(['N', ...input]);
        expect(sig.output).toMatchObject({ name: 'logits', dtype: 'float32', dims: ['N', 10] });
        const bnNodes = m.graph!.node!.filter((n) => n.opType === 'BatchNormalization').length;
        if (hasBn) expect(bnNodes === 0, `fold ${fold}: ${bnNodes} BatchNormalization nodes`).toBe(fold);
        if (sparse) expect(m.graph!.sparseInitializer!.length).toBe(model.params.filter((p) => p.mask).length);
        else {
          // Pruned weights are exact zeros in the dense initializers.
          const fc = model.params.find((p) => p.mask)!;
          const init = m.graph!.initializer!.find((t) => t.name === fc.name)!;
          const w = new Float32Array(Uint8Array.from(init.rawData!).buffer); // copy: decoded bytes may be a view into a shared buffer
          const mask = fc.mask!.download();
          expect(w.every((v, i) => mask[i] || v === 0)).toBe(true);
        }
        const v = await verifyOnnx(r.bytes, model, images);
        expect(v.relMaxDiff, `sparse ${sparse}, fold ${fold}, input ${format}`).toBeLessThanOrEqual(1e-4);
        expect(v.agreement).toBe(1);
        expect(v.accuracy.onnx).toBe(v.accuracy.native);
      }
    } finally {
      model.dispose();
    }
  });
});

describe('the input contract', () => {
  // Independent of verifyOnnx: onnxruntime on raw uint8 images against the native forward on prepare()'s split,
  // the exact tensors training consumed.
  it.each([
    { model: 'lenet-300-100', dataset: 'mnist' as const, input: [1, 28, 28] as [number, number, number] },
    { model: 'conv2', dataset: 'cifar10' as const, input: [3, 32, 32] as [number, number, number] },
  ])('$dataset: raw pixels in, the logits of the training-normalised images out', async ({ model: name, dataset, input }) => {
    const rng = new Random(11);
    const model = prunedModel(name, input, rng);
    const n = 16;
    const test = randomImages(input, n, rng);
    const { test: split } = prepare(randomImages(input, 2, rng), test, { validationSize: 1, subset: 0, seed: 1 });
    const session = await ort.InferenceSession.create(exportOnnx(model, { dataset }).bytes, { executionProviders: ['cpu'] });
    try {
      const X = fromArray(split.x, [n, ...input]);
      const native = model.forward(X, false).download();
      X.dispose();
      const out = (await session.run({ pixels: new ort.Tensor('uint8', test.images, [n, ...input]) })).logits!.data as Float32Array;
      const scale = Math.max(...native.map(Math.abs));
      const maxDiff = Math.max(...native.map((a, i) => Math.abs(a - out[i]!)));
      expect(maxDiff / scale).toBeLessThanOrEqual(1e-4);
      // A float32 0..255 tensor is refused: the type itself says raw 8-bit pixels.
      await expect(session.run({ pixels: new ort.Tensor('float32', Float32Array.from(test.images), [n, ...input]) })).rejects.toThrow(
        /type|tensor\(float\)/i,
      );
    } finally {
      await session.release();
      model.dispose();
    }
  });

  it('declares labels and preprocessing in metadata_props and doc strings', () => {
    const rng = new Random(5);
    const lenet = prunedModel('lenet-300-100', [1, 28, 28], rng);
    const conv = prunedModel('conv2', [3, 32, 32], rng);
    try {
      const mnist = readOnnxSignature(exportOnnx(lenet, { dataset: 'mnist' }).bytes);
      expect(mnist.docString).toContain(
        "input 'pixels': raw pixel values 0..255 as uint8, NCHW Nx1x28x28 (grayscale), divided by 255 inside the graph",
      );
      expect(mnist.docString).toContain("output 'logits': float32 Nx10, logits over 10 classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9");
      expect(mnist.input.docString).toContain('raw pixel values 0..255');
      expect(JSON.parse(mnist.metadata.labels!)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(JSON.parse(mnist.metadata.preprocessing!)).toMatchObject({
        input: 'pixels',
        dtype: 'uint8',
        layout: 'NCHW',
        shape: ['N', 1, 28, 28],
        inGraph: true,
        divisor: 255,
        mean: [0],
        std: [1],
      });
      expect(mnist.metadata).toMatchObject({ 'Image.BitmapPixelFormat': 'Gray8', 'Image.NominalPixelRange': 'NominalRange_0_255' });

      const fashion = readOnnxSignature(exportOnnx(lenet, { dataset: 'fashion-mnist' }).bytes);
      expect(JSON.parse(fashion.metadata.labels!)).toEqual([
        'T-shirt/top',
        'Trouser',
        'Pullover',
        'Dress',
        'Coat',
        'Sandal',
        'Shirt',
        'Sneaker',
        'Bag',
        'Ankle boot',
      ]);

      const cifar = readOnnxSignature(exportOnnx(conv, { dataset: 'cifar10' }).bytes);
      expect(cifar.docString).toContain(
        'NCHW Nx3x32x32 (RGB planes), divided by 255, then per channel minus mean [0.4914, 0.4822, 0.4465] and divided by std [0.247, 0.2435, 0.2616] inside the graph',
      );
      expect(JSON.parse(cifar.metadata.labels!)).toEqual([
        'airplane',
        'automobile',
        'bird',
        'cat',
        'deer',
        'dog',
        'frog',
        'horse',
        'ship',
        'truck',
      ]);
      expect(JSON.parse(cifar.metadata.preprocessing!)).toMatchObject({
        divisor: 255,
        mean: [0.4914, 0.4822, 0.4465],
        std: [0.247, 0.2435, 0.2616],
      });
      expect(cifar.metadata['Image.BitmapPixelFormat']).toBe('Rgb8');

      const normalized = readOnnxSignature(exportOnnx(conv, { dataset: 'cifar10', input: 'normalized' }).bytes);
      expect(normalized.docString).toContain(
        "input 'normalized_pixels': float32 NCHW Nx3x32x32 (RGB planes), pixel values already divided by 255, then per channel minus mean",
      );
      expect(JSON.parse(normalized.metadata.preprocessing!)).toMatchObject({
        input: 'normalized_pixels',
        dtype: 'float32',
        inGraph: false,
      });
      expect(normalized.metadata['Image.NominalPixelRange']).toBeUndefined(); // mean/std-normalised: no ONNX value fits
      expect(
        readOnnxSignature(exportOnnx(lenet, { dataset: 'mnist', input: 'normalized' }).bytes).metadata['Image.NominalPixelRange'],
      ).toBe('Normalized_0_1');
    } finally {
      lenet.dispose();
      conv.dispose();
    }
  });

  it('verify fails a file whose preprocessing differs from training (a planted missing 1/255, a wrong mean)', async () => {
    const rng = new Random(6);
    for (const { name, dataset, input, tensor, value } of [
      {
        name: 'lenet-300-100',
        dataset: 'mnist' as const,
        input: [1, 28, 28] as [number, number, number],
        tensor: 'preprocess.divisor',
        value: Float32Array.of(1),
      },
      {
        name: 'conv2',
        dataset: 'cifar10' as const,
        input: [3, 32, 32] as [number, number, number],
        tensor: 'preprocess.mean',
        value: Float32Array.of(0.5, 0.5, 0.5),
      },
    ]) {
      const model = prunedModel(name, input, rng);
      try {
        const m = onnx.ModelProto.decode(exportOnnx(model, { dataset }).bytes);
        const t = m.graph!.initializer!.find((i) => i.name === tensor)!;
        t.rawData = new Uint8Array(value.buffer);
        const v = await verifyOnnx(onnx.ModelProto.encode(m).finish(), model, randomImages(input, 12, rng));
        expect(v.relMaxDiff, `${dataset} with ${tensor} planted`).toBeGreaterThan(1e-4);
      } finally {
        model.dispose();
      }
    }
  });

  it('rejects a model that does not fit the data set, and images that do not fit the file, with ERR_EXPORT', async () => {
    const rng = new Random(7);
    const lenet = prunedModel('lenet-300-100', [1, 28, 28], rng);
    try {
      expect(() => exportOnnx(lenet, { dataset: 'cifar10' })).toThrow(
        expect.objectContaining({ code: 'ERR_EXPORT', message: expect.stringMatching(/1x28x28 inputs, cifar10 examples are 3x32x32/) }),
      );
      expect(() => exportOnnx(lenet, { dataset: 'mnist', input: 'float' as never })).toThrow(
        expect.objectContaining({ code: 'ERR_EXPORT' }),
      );
      const bytes = exportOnnx(lenet, { dataset: 'mnist' }).bytes;
      await expect(verifyOnnx(bytes, lenet, randomImages([3, 32, 32], 2, rng))).rejects.toMatchObject({ code: 'ERR_EXPORT' });
    } finally {
      lenet.dispose();
    }
  });
});

describe('lth.preset metadata', () => {
  it('names the published preset a run is, ignoring levels and trials, and none for a custom setup', () => {
    expect(presetsOf(hparamsHash(resolveHparams('quickstart')))).toBe('quickstart');
    expect(presetsOf(hparamsHash(resolveHparams('lenet', { lottery: { levels: 3, trials: 2 } })))).toBe('lenet');
    expect(presetsOf(hparamsHash(resolveHparams('lenet', { training: { lr: 0.5 } })))).toBe('none');
  });
});
