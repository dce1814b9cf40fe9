import { describe, expect, it } from 'vitest';
import { hparamsHash, nonDefault } from '../src/hparams/hash.js';
import { PRESETS, resolveHparams } from '../src/hparams/presets.js';
import { Hparams, parseHparams, toIterations } from '../src/hparams/schema.js';

describe('hparams', () => {
  it('fills defaults and validates with messages naming the field', () => {
    const h = parseHparams({});
    expect(h.training.optimizer).toBe('adam');
    expect(() => parseHparams({ training: { lr: -1 } })).toThrow(/training\.lr/);
    expect(() => parseHparams({ model: { model: 'resnet-999' } })).toThrow(/model\.model/);
    expect(() => parseHparams({ training: { steps: '10 epochs' } })).toThrow(/training\.steps/);
  });

  it('every field has help text (the CLI derives its flags from it)', () => {
    for (const [section, schema] of Object.entries(Hparams.shape)) {
      const inner = (schema as unknown as { def: { innerType: { shape: Record<string, { description?: string }> } } }).def.innerType;
      for (const [field, f] of Object.entries(inner.shape)) {
        expect(f.description, `${section}.${field}`).toBeTruthy();
      }
    }
  });

  it('hash ignores fields at their default, so new defaulted fields never rename runs', () => {
    const a = parseHparams({ training: { lr: 0.1 } });
    const b = parseHparams({ training: { lr: 0.1, optimizer: 'adam' } }); // adam is the default
    expect(hparamsHash(a)).toBe(hparamsHash(b));
    expect(nonDefault(a)).toEqual({ training: { lr: 0.1 } });
    expect(hparamsHash(a)).not.toBe(hparamsHash(parseHparams({ training: { lr: 0.2 } })));
    expect(hparamsHash(parseHparams({}))).toMatch(/^[0-9a-f]{10}$/);
  });

  it('levels and trials extend a run instead of renaming it', () => {
    const a = parseHparams({ lottery: { levels: 3, trials: 1 } });
    const b = parseHparams({ lottery: { levels: 9, trials: 5 } });
    expect(hparamsHash(a)).toBe(hparamsHash(b));
    expect(hparamsHash(a)).not.toBe(hparamsHash(parseHparams({ lottery: { rewind: '500it' } })));
  });

  it('converts lengths', () => {
    expect(toIterations('50000it', 916)).toBe(50000);
    expect(toIterations('40ep', 468)).toBe(18720);
    expect(() => toIterations('5', 1)).toThrow();
  });
});

describe('presets', () => {
  it('all validate and cite a source', () => {
    for (const [name, p] of Object.entries(PRESETS)) {
      expect(p.source.length, name).toBeGreaterThan(5);
      expect(() => resolveHparams(name)).not.toThrow();
    }
  });

  it('lenet is the ICLR 2019 (v5) setup exactly', () => {
    const h = resolveHparams('lenet');
    expect(h.model.model).toBe('lenet-300-100');
    expect(h.model.init).toBe('glorot-normal');
    expect(h.training).toMatchObject({ optimizer: 'adam', lr: 1.2e-3, steps: '50000it' });
    expect(h.dataset).toMatchObject({ dataset: 'mnist', batchSize: 60, validationSize: 5000 });
    expect(h.pruning).toMatchObject({ strategy: 'layerwise', fcRate: 0.2, outputRate: 0.1 });
  });

  it('conv presets use the paper rates and learning rates', () => {
    expect(resolveHparams('conv2').training.lr).toBe(2e-4);
    expect(resolveHparams('conv4').training).toMatchObject({ lr: 3e-4, steps: '25000it' });
    expect(resolveHparams('conv6').pruning.convRate).toBe(0.15);
    expect(resolveHparams('resnet20').training).toMatchObject({
      optimizer: 'momentum',
      milestones: ['20000it', '25000it'],
      steps: '30000it',
    });
    expect(resolveHparams('cifar_resnet_20').lottery.rewind).toBe('500it');
  });

  it('the SGD presets use the published weight decay; cifar_resnet_20 prunes fc as open_lth does', () => {
    for (const name of ['resnet20', 'vgg19', 'cifar_resnet_20']) expect(resolveHparams(name).training.weightDecay, name).toBe(1e-4);
    expect(resolveHparams('cifar_resnet_20').pruning).toMatchObject({ strategy: 'global', globalRate: 0.2, ignore: [] });
  });

  it('every preset keeps a validation split, so early stop is never chosen on the test set', () => {
    for (const name of Object.keys(PRESETS)) {
      if (resolveHparams(name).dataset.dataset === 'xor') continue;
      expect(resolveHparams(name).dataset.validationSize, name).toBeGreaterThan(0);
    }
  });

  it('flags override presets; unknown presets are named', () => {
    const h = resolveHparams('lenet', { training: { steps: '100it' } });
    expect(h.training.steps).toBe('100it');
    expect(h.training.lr).toBe(1.2e-3);
    expect(() => resolveHparams('nope')).toThrow(/unknown preset 'nope'.*lenet/);
  });
});
