// Published numbers we reproduce, with their source. ONE place for them: only numbers we know for certain
// are recorded (from the text of the paper version named); everything else is null = "not recorded".
// The XOR figures (draft appendix A) are in data/xor-draft.json, read by xor-published.ts.

/** Claims the ICLR 2019 text makes about LeNet-300-100 on MNIST (Figure 3/4 and their discussion). */
export const PUBLISHED_LENET = {
  source: {
    paper: 'Frankle & Carbin, "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks"',
    version: 'ICLR 2019 (arXiv 1803.03635 v5)',
    where: 'Section 2 (fully connected networks), text on Figures 3 and 4; page not recorded',
  },
  /** Winning tickets are at least as accurate as the dense network between these densities (%). */
  beatsDenseBetween: [51.3, 21.1] as [number, number],
  /** At 21.1% weights the early-stop iteration is ~38% earlier than the dense network's. */
  earlierStopAt21: 0.38,
  /** At 13.5% weights, accuracy above the dense network's by more than this (percentage points). */
  gainAt13_5: 0.3,
  /** Tickets fall back to the dense network's accuracy at about this density (%). */
  backToDenseAt: 3.6,
  /** Randomly reinitialised controls fall below the dense accuracy at about this density (%). */
  reinitBelowDenseAt: 21.1,
};

/**
 * One-shot pruning of LeNet-300-100 (v5, Section 2, "One-shot pruning", Figure 4c). Only the text's qualitative
 * comparison is recorded, paraphrased; the density ranges the text gives for one-shot tickets are not recorded
 * here (not verified in the session that wrote this), so no one-shot number is printed as published.
 */
export const PUBLISHED_LENET_ONESHOT = {
  source: { ...PUBLISHED_LENET.source, where: 'Section 2, "One-shot pruning" (Figure 4c); its density ranges not recorded' },
  claims: {
    /** One-shot pruning finds winning tickets too, without the repeated training. */
    findsTickets: 'one-shot pruning also finds winning tickets',
    /** Iteratively pruned tickets learn faster and reach higher accuracy at smaller sizes than one-shot ones. */
    iterativeBetterWhenSmall: 'iterative tickets learn faster and are more accurate than one-shot ones at small sizes',
  },
};

/** ICLR 2019 (v5) claims for the Conv-2/4/6 experiments on CIFAR-10 (Figure 5 and its text). */
export const PUBLISHED_CONV: Record<'conv2' | 'conv4' | 'conv6', { earlyStopFaster: number; at: number; gainPp: number; gainAt: number }> =
  {
    conv2: { earlyStopFaster: 3.5, at: 8.8, gainPp: 3.4, gainAt: 4.6 },
    conv4: { earlyStopFaster: 3.5, at: 9.2, gainPp: 3.5, gainAt: 11.1 },
    conv6: { earlyStopFaster: 2.5, at: 15.1, gainPp: 3.3, gainAt: 26.4 },
  };

/**
 * "Stabilizing the Lottery Ticket Hypothesis" (rewinding). Only the claims of the v3 abstract are recorded,
 * paraphrased: the abstract gives no ResNet-20 figure, and we have not recorded any from the paper's body, so
 * every per-level ResNet-20 accuracy is null ("not recorded").
 */
export const PUBLISHED_STABILIZING = {
  source: {
    paper: 'Frankle, Dziugaite, Roy & Carbin, "Stabilizing the Lottery Ticket Hypothesis"',
    // v1 (March 2019) was titled "The Lottery Ticket Hypothesis at Scale" and called rewinding "late resetting".
    version: 'arXiv 1903.01611 v3 (20 Jul 2020)',
    where: 'abstract only: no ResNet-20 number is recorded from the body or figures',
  },
  claims: {
    /** IMP that resets to iteration 0 fails on deeper networks. */
    resetFails: 'IMP resetting to iteration 0 fails on deeper networks',
    /** Rewinding to early in training (0.1%–7% through) instead finds subnetworks that match the full network. */
    rewindFinds: 'rewinding 0.1%–7% through training finds subnetworks matching the full network',
    /** Where IMP fails at iteration 0, the accuracy benefit of a later rewind point accrues over the earliest iterations. */
    benefitEarly: 'where IMP fails at iteration 0, the benefit of rewinding accrues rapidly over the earliest iterations',
  },
  /** How far through training the rewind points of the abstract lie (fractions of training). */
  rewindThrough: [0.001, 0.07] as [number, number],
  /** ResNet-20 / CIFAR-10 test accuracy per % of weights remaining, per series: not recorded. */
  resnet20: { rewind: null, reset: null, reinit: null } as Record<'rewind' | 'reset' | 'reinit', Record<string, number> | null>,
};
