// The XOR experiment of the 2018 draft (arXiv 1803.03635 v1, appendix A, Figures 9 and 10).
export { XOR_INPUTS, XOR_LABELS, xorData } from './data.js';
export { XorNet, xorInit, XOR_INIT_STD, type XorInit } from './network.js';
export { trainXor, XOR_ITERATIONS, XOR_LR, type XorTrainOptions, type XorTrainResult } from './train.js';
export { xorOutcome, sigmoidF32, type XorOutcome } from './outcome.js';
export { XorBatch, XOR_BATCH_TRIALS, type XorWeights } from './batch.js';
export { unitScores, pruneUnits, UNIT_HEURISTICS, HEURISTIC_LABELS, type UnitHeuristic } from './prune.js';
export {
  randomInitSuccess,
  unitPruningSuccess,
  iterativeRounds,
  pruneTrial,
  pruneTrials,
  XOR_HIDDEN_SIZES,
  XOR_PRUNE_TARGETS,
  XOR_PRUNE_START,
  XOR_ITERATIVE_STEP,
  type PruneMode,
  type PruneTrialOptions,
  type PruneTrialResult,
  type XorOptions,
  type RandomInitRow,
  type PruneRow,
  type XorTrialPrune,
  type XorCounts,
  type XorSuccess,
} from './experiments.js';
