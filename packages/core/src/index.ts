// @lth/core: the lottery ticket engine on @lth/native-sparse. No printing; progress through callbacks.
export * as native from '@lth/native-sparse';
export * from './hparams/schema.js';
export { hparamsHash, nonDefault } from './hparams/hash.js';
export { PRESETS, resolveHparams, type Preset } from './hparams/presets.js';
export { DataError } from './data/errors.js';
export { loadDataset, defaultCacheDir, type LoadedDataset, type SourceOptions } from './data/sources.js';
export { DATASETS, type DatasetName } from './data/registry.js';
export { prepare, epochOrder, type PreparedData, type Split } from './data/prepare.js';
export { createModel, initialize } from './models/registry.js';
export type { Model, Param, ParamKind } from './models/types.js';
export { density, planLevel, applyPlan, oneShotFraction, prunableParams, type Density } from './prune/strategy.js';
export { train, trainingLength, type MetricRow, type TrainProgress } from './train/trainer.js';
export { evaluate } from './train/evaluate.js';
export { Optimizer, learningRate } from './train/optimizer.js';
export { runLottery, loadPrepared, type LotteryEvent, type LotteryOptions, type LotteryResult, type LevelSummary } from './lottery/runner.js';
export { earlyStopMinLoss, earlyStopDraft, type EarlyStop } from './lottery/early-stop.js';
export { readSafetensors, writeSafetensors, encodeSafetensors, decodeSafetensors } from './store/safetensors.js';
export { readMetricsCsv, runDir, levelDir, trialDir } from './store/layout.js';
