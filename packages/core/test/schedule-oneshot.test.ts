import { describe, expect, it } from 'vitest';
import { parseHparams, toIterations } from '../src/hparams/schema.js';
import { oneShotFraction } from '../src/prune/strategy.js';
import { learningRate } from '../src/train/optimizer.js';

describe('learning-rate schedules', () => {
  const toIt = (s: string) => toIterations(s, 100);
  it('constant, step milestones and linear warm-up', () => {
    const constant = parseHparams({ training: { lr: 0.1 } }).training;
    expect(learningRate(constant, 0, toIt)).toBe(0.1);
    expect(learningRate(constant, 99999, toIt)).toBe(0.1);
    const step = parseHparams({ training: { lr: 0.1, lrSchedule: 'step', milestones: ['2ep', '300it'], gamma: 0.1 } }).training;
    expect(learningRate(step, 199, toIt)).toBeCloseTo(0.1);
    expect(learningRate(step, 200, toIt)).toBeCloseTo(0.01);
    expect(learningRate(step, 300, toIt)).toBeCloseTo(0.001);
    const warm = parseHparams({ training: { lr: 0.03, warmup: '200it' } }).training;
    expect(learningRate(warm, 0, toIt)).toBeCloseTo(0.03 / 200);
    expect(learningRate(warm, 99, toIt)).toBeCloseTo(0.015);
    expect(learningRate(warm, 199, toIt)).toBeCloseTo(0.03);
    expect(learningRate(warm, 500, toIt)).toBeCloseTo(0.03);
  });
});

describe('one-shot pruning fraction', () => {
  it('reaches the density of L iterative levels in one step, from any current density', () => {
    const f = oneShotFraction(7);
    // From dense: remove 1 − 0.8^7 of the weights.
    expect(f(0.2, 1000, 1000)).toBeCloseTo(1 - 0.8 ** 7);
    // From 50% alive: keep 0.8^7 of the total, i.e. remove the rest of the alive ones.
    expect(f(0.2, 500, 1000)).toBeCloseTo(1 - (0.8 ** 7 * 1000) / 500);
    // Already below the target: prune nothing; nothing alive: nothing.
    expect(f(0.2, 100, 1000)).toBe(0);
    expect(f(0.2, 0, 1000)).toBe(0);
    expect(oneShotFraction(0)(0.2, 1000, 1000)).toBe(0);
  });
});
