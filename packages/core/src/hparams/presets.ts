// Published setups (docs/design.md §4), each with its source. A preset is a partial hparams object; flags and
// API overrides are merged on top. Every preset keeps the default 5,000-example validation split, so its early
// stop is chosen on validation loss, never on the test set (open_lth's own runs have no validation split).
import { parseHparams, type Hparams, type HparamsInput } from './schema.js';

export interface Preset {
  name: string;
  source: string;
  summary: string;
  hparams: HparamsInput;
  /** Where the preset needs data lth cannot fetch offline, or assumes something the paper does not state. */
  notes?: string;
}

const lenetV5: HparamsInput = {
  dataset: { dataset: 'mnist', batchSize: 60 },
  model: { model: 'lenet-300-100', init: 'glorot-normal' },
  training: { optimizer: 'adam', lr: 1.2e-3, steps: '50000it' },
  pruning: { strategy: 'layerwise', fcRate: 0.2, outputRate: 0.1 },
};

const convV5 = (model: string, lr: number, steps: string, convRate: number): HparamsInput => ({
  dataset: { dataset: 'cifar10', batchSize: 60 },
  model: { model, init: 'glorot-normal' },
  training: { optimizer: 'adam', lr, steps },
  pruning: { strategy: 'layerwise', convRate, fcRate: 0.2, outputRate: 0.1 },
});

export const PRESETS: Record<string, Preset> = {
  quickstart: {
    name: 'quickstart',
    source: 'lth (LeNet-300-100 as in ICLR 2019 v5, shortened)',
    summary: 'LeNet-300-100 on MNIST, Adam 1.2e-3, 3 epochs per level, 7 levels (to ~21% weights left)',
    hparams: { ...lenetV5, training: { ...lenetV5.training, steps: '3ep', evalEvery: 500 }, lottery: { levels: 7 } },
  },
  lenet: {
    name: 'lenet',
    source: 'Frankle & Carbin, ICLR 2019 (arXiv 1803.03635 v5), Figure 2 / Appendix G',
    summary: 'LeNet-300-100 on MNIST, Adam 1.2e-3, 50K iterations, batch 60, fc 20% / output 10% per level',
    hparams: { ...lenetV5, lottery: { levels: 20 } },
  },
  conv2: {
    name: 'conv2',
    source: 'ICLR 2019 v5, Figure 2',
    summary: 'Conv-2 on CIFAR-10, Adam 2e-4, 20K iterations',
    hparams: { ...convV5('conv2', 2e-4, '20000it', 0.1), lottery: { levels: 20 } },
  },
  conv4: {
    name: 'conv4',
    source: 'ICLR 2019 v5, Figure 2',
    summary: 'Conv-4 on CIFAR-10, Adam 3e-4, 25K iterations',
    hparams: { ...convV5('conv4', 3e-4, '25000it', 0.1), lottery: { levels: 20 } },
  },
  conv6: {
    name: 'conv6',
    source: 'ICLR 2019 v5, Figure 2',
    summary: 'Conv-6 on CIFAR-10, Adam 3e-4, 30K iterations, conv 15%',
    hparams: { ...convV5('conv6', 3e-4, '30000it', 0.15), lottery: { levels: 20 } },
  },
  resnet20: {
    name: 'resnet20',
    source: 'ICLR 2019 v5, Section 4 ("Resnet-18"), Figure 2',
    summary:
      'ResNet-20 on CIFAR-10, SGD momentum 0.9, weight decay 1e-4, lr 0.1 → 0.01 → 0.001 at 20K/25K, 30K iterations, batch 128, global conv 20%',
    hparams: {
      dataset: { dataset: 'cifar10', batchSize: 128, augment: true },
      model: { model: 'resnet20', init: 'glorot-normal' },
      training: {
        optimizer: 'momentum',
        lr: 0.1,
        momentum: 0.9,
        weightDecay: 1e-4,
        steps: '30000it',
        lrSchedule: 'step',
        milestones: ['20000it', '25000it'],
        gamma: 0.1,
      },
      pruning: { strategy: 'global', globalRate: 0.2, ignore: ['fc'] },
      lottery: { levels: 20 },
    },
    notes: 'the paper also runs lr 0.03 with 20K-iteration warm-up: add --warmup 20000it --lr 0.03',
  },
  vgg19: {
    name: 'vgg19',
    source: 'ICLR 2019 v5, Section 4, Figure 2',
    summary:
      'VGG-19 on CIFAR-10, SGD momentum 0.9, weight decay 1e-4, lr 0.1 ×0.1 at epochs 80/120, 10K warm-up, 160 epochs, batch 64, global conv 20%',
    hparams: {
      dataset: { dataset: 'cifar10', batchSize: 64, augment: true },
      model: { model: 'vgg19', init: 'glorot-normal' },
      training: {
        optimizer: 'momentum',
        lr: 0.1,
        momentum: 0.9,
        weightDecay: 1e-4,
        steps: '160ep',
        lrSchedule: 'step',
        milestones: ['80ep', '120ep'],
        gamma: 0.1,
        warmup: '10000it',
      },
      pruning: { strategy: 'global', globalRate: 0.2, ignore: ['fc'] },
      lottery: { levels: 20 },
    },
  },
  'lenet-2018': {
    name: 'lenet-2018',
    source: 'Frankle & Carbin, arXiv 1803.03635 v1 (March 2018 draft)',
    summary: 'LeNet-300-100 on MNIST, SGD 0.05, 50 epochs, N(0, 0.1) truncated at 2σ',
    hparams: {
      dataset: { dataset: 'mnist', batchSize: 60 },
      model: { model: 'lenet-300-100', init: 'trunc-normal', initStd: 0.1 },
      training: { optimizer: 'sgd', lr: 0.05, steps: '50ep' },
      pruning: { strategy: 'layerwise', fcRate: 0.2, outputRate: 0.1 },
      lottery: { levels: 20 },
    },
    notes: 'batch size is not stated in the draft; 60 is assumed',
  },
  'conv2-2018': {
    name: 'conv2-2018',
    source: 'arXiv 1803.03635 v1',
    summary: 'draft Conv-2 (5×5, FC 384/192) on CIFAR-10, SGD 0.01, 30 epochs, batch 50',
    hparams: {
      dataset: { dataset: 'cifar10', batchSize: 50 },
      model: { model: 'conv2-2018', init: 'trunc-normal', initStd: 0.1 },
      training: { optimizer: 'sgd', lr: 0.01, steps: '30ep' },
      pruning: { strategy: 'layerwise', convRate: 0.1, fcRate: 0.2, outputRate: 0.2 },
      lottery: { levels: 20 },
    },
  },
  'conv4-2018': {
    name: 'conv4-2018',
    source: 'arXiv 1803.03635 v1',
    summary: 'draft Conv-4 on CIFAR-10, SGD 0.003, 20 epochs, batch 50, normal Xavier',
    hparams: {
      dataset: { dataset: 'cifar10', batchSize: 50 },
      model: { model: 'conv4-2018', init: 'xavier-normal' },
      training: { optimizer: 'sgd', lr: 0.003, steps: '20ep' },
      pruning: { strategy: 'layerwise', convRate: 0.1, fcRate: 0.2, outputRate: 0.2 },
      lottery: { levels: 20 },
    },
  },
  mnist_lenet_300_100: {
    name: 'mnist_lenet_300_100',
    source: 'open_lth default for mnist_lenet_300_100',
    summary: 'LeNet-300-100, SGD 0.1, 40 epochs, batch 128, global 20% (output layer ignored), Kaiming normal',
    hparams: {
      dataset: { dataset: 'mnist', batchSize: 128 },
      model: { model: 'lenet-300-100', init: 'kaiming-normal' },
      training: { optimizer: 'sgd', lr: 0.1, steps: '40ep' },
      pruning: { strategy: 'global', globalRate: 0.2, ignore: ['fc3'] },
      lottery: { levels: 20 },
    },
  },
  cifar_resnet_20: {
    name: 'cifar_resnet_20',
    source: 'open_lth default for cifar_resnet_20 (with rewinding, Stabilizing the LTH)',
    summary:
      'ResNet-20, SGD 0.1 momentum 0.9 wd 1e-4, ×0.1 at epochs 80/120, 160 epochs, batch 128, global 20% (fc included), rewind 500 iterations',
    hparams: {
      dataset: { dataset: 'cifar10', batchSize: 128, augment: true },
      model: { model: 'resnet20', init: 'kaiming-normal' },
      training: {
        optimizer: 'momentum',
        lr: 0.1,
        momentum: 0.9,
        weightDecay: 1e-4,
        steps: '160ep',
        lrSchedule: 'step',
        milestones: ['80ep', '120ep'],
        gamma: 0.1,
      },
      // open_lth's sparse_global prunes every prunable layer, fc included, unless prune_layers_to_ignore says otherwise.
      pruning: { strategy: 'global', globalRate: 0.2 },
      lottery: { levels: 20, rewind: '500it' },
    },
  },
};

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  }
  return over;
}

/** Preset (if any) with overrides on top, validated. */
export function resolveHparams(preset: string | undefined, overrides: HparamsInput = {}): Hparams {
  let base: HparamsInput = {};
  if (preset !== undefined) {
    const p = PRESETS[preset];
    if (!p) throw new Error(`unknown preset '${preset}' (available: ${Object.keys(PRESETS).join(', ')})`);
    base = p.hparams;
  }
  return parseHparams(merge(base, overrides));
}
