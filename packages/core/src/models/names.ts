// The model names lth knows, declared once: the hparams schema's pattern and message, the model factory
// (models/registry.ts), which models train batched (models/batched-mlp.ts) and the CLI's help all read this
// table. A leaf module (no imports), so the schema can use it without loading the native addon.

/** What a family of names builds: a fully connected net (batchable), a convolutional net, or the XOR network. */
export type ModelKind = 'mlp' | 'conv' | 'xor';

export interface ModelFamily {
  /** How the family is written in messages, e.g. 'conv2' or 'mlp-<h1>-<h2>-…'. */
  label: string;
  /** A regular expression source matching exactly the family's names (no anchors). */
  pattern: string;
  kind: ModelKind;
}

/** The convolutional networks for 32×32 images (models/convnets.ts). */
export const CONV_NETS = ['conv2', 'conv4', 'conv6', 'conv2-2018', 'conv4-2018', 'vgg11', 'vgg16', 'vgg19', 'resnet20'] as const;

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  { label: 'lenet-300-100', pattern: 'lenet-300-100', kind: 'mlp' },
  { label: 'mlp-<h1>-<h2>-…', pattern: 'mlp(?:-\\d+)+', kind: 'mlp' },
  ...CONV_NETS.map((name): ModelFamily => ({ label: name, pattern: name, kind: 'conv' })),
  // The 2018 draft's 2-h-1 network: trained by the XOR experiment (xor/), not by createModel.
  { label: 'xor-<h>', pattern: 'xor-\\d+', kind: 'xor' },
];

/** Every valid model name, anchored (the hparams schema's check). */
export const MODEL_NAME_PATTERN = new RegExp(`^(?:${MODEL_FAMILIES.map((f) => f.pattern).join('|')})$`);

/** The families of `kinds` as a message lists them: 'lenet-300-100, mlp-<h1>-<h2>-…, conv2, …'. */
export function modelLabels(kinds: readonly ModelKind[] = ['mlp', 'conv', 'xor']): string {
  return MODEL_FAMILIES.filter((f) => kinds.includes(f.kind))
    .map((f) => f.label)
    .join(', ');
}

/** The family a name belongs to, or null for an unknown name. */
export function modelFamily(name: string): ModelFamily | null {
  return MODEL_FAMILIES.find((f) => new RegExp(`^(?:${f.pattern})$`).test(name)) ?? null;
}

/** Hidden sizes of a fully connected model name ('lenet-300-100' → [300, 100]), or null for any other model. */
export function mlpHidden(name: string): number[] | null {
  if (modelFamily(name)?.kind !== 'mlp') return null;
  return name === 'lenet-300-100' ? [300, 100] : name.slice('mlp-'.length).split('-').map(Number);
}
