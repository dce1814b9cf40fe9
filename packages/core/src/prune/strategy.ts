// Which weights a pruning level removes (docs/design.md §4): layerwise magnitude pruning with a rate per kind of
// layer (fc, conv, output; 0 leaves that kind alone), or global magnitude pruning over all prunable weights.
// A rate p prunes round(p · alive) of the alive weights of a layer (layerwise) or of the group (global),
// smallest |w| first, ties by the addon's documented rule (lower layer index, then lower flat index). Masks
// only shrink. Layers listed in `ignore` are never pruned.
import { countNonzero, magnitudePrune } from '@lth/native-sparse';
import type { Hparams } from '../hparams/schema.js';
import { isPrunable, type Param } from '../models/types.js';

export function prunableParams(params: Param[], ignore: string[] = []): Param[] {
  return params.filter((p) => isPrunable(p.kind) && p.mask && !ignore.includes(p.layer));
}

function rateOf(p: Param, h: Hparams['pruning']): number {
  return p.kind === 'conv' ? h.convRate : p.kind === 'output' ? h.outputRate : h.fcRate;
}

/** How many weights each layer (layerwise) or the group (global) loses at one level with rate(s) given. */
export interface PrunePlan {
  targets: Param[];
  /** One count per target (layerwise) or a single count over all targets (global). */
  counts: number[];
  scope: 'layerwise' | 'global';
}

/**
 * The plan for one iterative level (`fractionOf` maps a rate to the fraction of *alive* weights to remove;
 * the identity for iterative pruning).
 */
export function planLevel(
  params: Param[],
  h: Hparams['pruning'],
  fractionOf: (rate: number, alive: number, total: number) => number = (r) => r,
): PrunePlan {
  const targets = prunableParams(params, h.ignore);
  if (h.strategy === 'global') {
    const alive = targets.reduce((s, p) => s + countNonzero(p.mask!), 0);
    const total = targets.reduce((s, p) => s + p.mask!.numel, 0);
    return { targets, counts: [Math.round(fractionOf(h.globalRate, alive, total) * alive)], scope: 'global' };
  }
  const counts = targets.map((p) => {
    const alive = countNonzero(p.mask!);
    return Math.round(fractionOf(rateOf(p, h), alive, p.mask!.numel) * alive);
  });
  return { targets, counts, scope: 'layerwise' };
}

/** Apply a plan: masks of the targets shrink in place (by |value| of each target's weights). */
export function applyPlan(plan: PrunePlan): void {
  if (plan.scope === 'global') {
    if (plan.targets.length) {
      magnitudePrune(
        plan.targets.map((p) => p.value),
        plan.targets.map((p) => p.mask),
        plan.counts[0]!,
        { out: plan.targets.map((p) => p.mask!) },
      );
    }
    return;
  }
  plan.targets.forEach((p, i) => {
    if (plan.counts[i]! > 0) magnitudePrune([p.value], [p.mask], plan.counts[i]!, { out: [p.mask!] });
  });
}

/**
 * One-shot pruning to the density that `level` iterative levels would reach: for a rate p that is
 * (1 − p)^level of the weights, so the fraction of the currently alive weights to remove is
 * 1 − (1 − p)^level · total / alive.
 */
export function oneShotFraction(level: number): (rate: number, alive: number, total: number) => number {
  return (rate, alive, total) => (alive === 0 ? 0 : Math.max(0, 1 - (Math.pow(1 - rate, level) * total) / alive));
}

export interface Density {
  layers: Record<string, { alive: number; total: number; density: number }>;
  alive: number;
  total: number;
  density: number;
}

/** Density per prunable layer and over all prunable weights. */
export function density(params: Param[]): Density {
  const layers: Density['layers'] = {};
  let alive = 0;
  let total = 0;
  for (const p of params) {
    if (!p.mask) continue;
    const a = countNonzero(p.mask);
    layers[p.layer] = { alive: a, total: p.mask.numel, density: a / p.mask.numel };
    alive += a;
    total += p.mask.numel;
  }
  return { layers, alive, total, density: total ? alive / total : 1 };
}
