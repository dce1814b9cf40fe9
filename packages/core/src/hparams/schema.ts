// Hyperparameters, declared once: type, default, validation and help text. The API validates with these
// schemas; the CLI derives its flags from them (field descriptions are the flag help).
import { z } from 'zod';
import { MODEL_NAME_PATTERN, modelLabels } from '../models/names.js';

const steps = z.string().regex(/^\d+(it|ep)$/, "a length like '50000it' (iterations) or '40ep' (epochs)");

export const DatasetHparams = z.object({
  dataset: z.enum(['mnist', 'fashion-mnist', 'cifar10', 'xor']).default('mnist').describe('data set'),
  batchSize: z.number().int().min(1).default(60).describe('mini-batch size'),
  validationSize: z.number().int().min(0).default(5000).describe('training examples held out for validation (seeded draw)'),
  augment: z.boolean().default(false).describe('CIFAR augmentation: random flips and 4-pixel translations (seeded)'),
  subset: z.number().int().min(0).default(0).describe('use only the first N training examples (0 = all); for quick runs'),
  testSubset: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      'evaluate on only the first N test examples (0 = all); for quick runs: test accuracy is then noisier (standard error up to 0.5/sqrt(N))',
    ),
});

export const ModelHparams = z.object({
  model: z
    .string()
    .regex(MODEL_NAME_PATTERN, `a model name: ${modelLabels()}`)
    .default('lenet-300-100')
    .describe(`network architecture: ${modelLabels()}`),
  init: z
    .enum(['glorot-normal', 'xavier-normal', 'trunc-normal', 'kaiming-normal'])
    .default('glorot-normal')
    .describe('weight initialisation: Gaussian Glorot (paper v5), normal Xavier, N(0, σ) truncated at 2σ, Kaiming normal'),
  initStd: z.number().positive().default(0.1).describe('σ of trunc-normal initialisation'),
  dropout: z.number().min(0).max(0.95).default(0).describe('dropout rate on hidden fully connected layers'),
});

export const TrainingHparams = z.object({
  optimizer: z.enum(['sgd', 'momentum', 'nesterov', 'adam']).default('adam').describe('optimizer'),
  lr: z.number().positive().default(1.2e-3).describe('learning rate'),
  momentum: z.number().min(0).max(1).default(0.9).describe('momentum (momentum, nesterov)'),
  weightDecay: z.number().min(0).default(0).describe('L2 weight decay'),
  steps: steps.default('50000it').describe('training length per level'),
  lrSchedule: z.enum(['constant', 'step']).default('constant').describe('learning-rate schedule'),
  milestones: z.array(steps).default([]).describe('step schedule: where the rate is multiplied by gamma'),
  gamma: z.number().positive().default(0.1).describe('step schedule factor'),
  warmup: steps.default('0it').describe('linear warm-up length'),
  evalEvery: z.number().int().min(1).default(100).describe('evaluate validation and test sets every N iterations'),
  dataOrderSeed: z.number().int().min(0).default(0).describe('seed of the data order (0 = derived from the trial seed)'),
});

export const PruningHparams = z.object({
  strategy: z.enum(['layerwise', 'global']).default('layerwise').describe('magnitude pruning scope'),
  fcRate: z.number().min(0).max(1).default(0.2).describe('fraction of remaining fc weights pruned per level'),
  convRate: z.number().min(0).max(1).default(0.1).describe('fraction of remaining conv weights pruned per level'),
  outputRate: z.number().min(0).max(1).default(0.1).describe('fraction of remaining output-layer weights pruned per level'),
  globalRate: z.number().min(0).max(1).default(0.2).describe('global strategy: fraction of all remaining prunable weights per level'),
  ignore: z.array(z.string()).default([]).describe('layer names never pruned'),
});

export const LotteryHparams = z.object({
  levels: z.number().int().min(0).max(100).default(5).describe('pruning levels after the dense level 0'),
  rewind: steps.default('0it').describe("reset point: '0it' resets to initialisation (the paper); k > 0 rewinds to iteration k"),
  seed: z.number().int().min(0).default(1).describe('seed of trial 0 (trial t uses seed + t)'),
  trials: z.number().int().min(1).default(1).describe('independent trials'),
});

export const Hparams = z.object({
  dataset: DatasetHparams.default(DatasetHparams.parse({})),
  model: ModelHparams.default(ModelHparams.parse({})),
  training: TrainingHparams.default(TrainingHparams.parse({})),
  pruning: PruningHparams.default(PruningHparams.parse({})),
  lottery: LotteryHparams.default(LotteryHparams.parse({})),
});

export type Hparams = z.infer<typeof Hparams>;
export type HparamsInput = z.input<typeof Hparams>;

/** Parse and validate, filling defaults; throws a message naming each invalid field. */
export function parseHparams(input: unknown): Hparams {
  const r = Hparams.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new HparamsError(`invalid hyperparameters:\n${lines.join('\n')}`);
  }
  return r.data;
}

export class HparamsError extends Error {
  readonly code = 'ERR_HPARAMS';
}

/** Parse '50000it' / '40ep' into iterations, given iterations per epoch. */
export function toIterations(s: string, itersPerEpoch: number): number {
  const m = /^(\d+)(it|ep)$/.exec(s);
  if (!m) throw new HparamsError(`bad length '${s}' (expected e.g. 50000it or 40ep)`);
  const n = Number(m[1]);
  return m[2] === 'it' ? n : n * itersPerEpoch;
}
