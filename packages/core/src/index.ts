// @lth/core: the lottery ticket engine on @lth/native-sparse. No printing; progress through callbacks.
export * as native from '@lth/native-sparse';
export * from './hparams/schema.js';
export { hparamsHash, nonDefault } from './hparams/hash.js';
export { PRESETS, resolveHparams, type Preset } from './hparams/presets.js';
export { DataError } from './data/errors.js';
export {
  loadDataset,
  locateDataset,
  defaultCacheDir,
  type LoadedDataset,
  type SourceOptions,
  type DatasetLocation,
} from './data/sources.js';
export { DATASETS, type DatasetName } from './data/registry.js';
export { prepare, epochOrder, normalizedSplit, type PreparedData, type Split } from './data/prepare.js';
export { pixelNormalization, type PixelNormalization } from './data/normalization.js';
export { createModel, initialize, ModelError } from './models/registry.js';
export { MODEL_FAMILIES, CONV_NETS, modelLabels, mlpHidden, type ModelFamily, type ModelKind } from './models/names.js';
export type { Model, Param, ParamKind } from './models/types.js';
export { BatchedMlp, BatchError, batchUnsupported, createBatchedModel } from './models/batched-mlp.js';
export { density, planLevel, applyPlan, oneShotFraction, prunableParams, type Density } from './prune/strategy.js';
export { train, type TrainOptions, type MetricRow } from './train/trainer.js';
export {
  trainLoop,
  trainingLength,
  itersPerEpoch,
  type LoopOptions,
  type Trainee,
  type TrainAccumulators,
  type TrainProgress,
} from './train/loop.js';
export { evaluate, type EvaluateOptions, type EvalResult } from './train/evaluate.js';
export { trainBatched, type BatchedTrainOptions } from './train/batched-trainer.js';
export { evaluateBatched } from './train/batched-evaluate.js';
export { ResidentData, type ResidentSplit } from './train/resident.js';
export { Optimizer, learningRate } from './train/optimizer.js';
export {
  TRAIN_PATH_REQUESTS,
  TrainPathError,
  choosePath,
  configureTrainPaths,
  releaseTrainPaths,
  type LayerTrainPath,
  type TrainPath,
  type TrainPathOptions,
  type TrainPathRequest,
} from './train/train-paths.js';
export {
  BUILTIN_CROSSOVERS,
  CrossoverError,
  crossoverFilePath,
  crossoverFor,
  loadCrossovers,
  platformKey,
  readCrossoverFile,
  writeCrossoverFile,
  crossoverFromTimings,
  type CrossoverPoint,
  type CrossoverFile,
  type CrossoverTable,
} from './train/sparse-crossover.js';
export { DenseLayer } from './models/dense-layer.js';
export {
  runBranch,
  branchName,
  BRANCH_KINDS,
  REARRANGE_MODES,
  type RearrangeMode,
  type BranchKind,
  type BranchOptions,
  type BranchResult,
} from './lottery/branch.js';
export {
  runLottery,
  loadPrepared,
  TrialError,
  type LotteryEvent,
  type LotteryOptions,
  type LotteryResult,
  type LevelSummary,
} from './lottery/runner.js';
export { runLevels } from './lottery/level.js';
export { earlyStopMinLoss, earlyStopDraft, type EarlyStop } from './lottery/early-stop.js';
export { readSafetensors, writeSafetensors, encodeSafetensors, decodeSafetensors } from './store/safetensors.js';
export {
  readMetricsCsv,
  runDir,
  levelDir,
  trialDir,
  branchDir,
  levelFile,
  runHparamsFile,
  trialInitFile,
  resetFile,
  slurmDir,
  slurmJobsFile,
  trialsIn,
  levelsIn,
  branchesIn,
  isLevelDone,
  type LevelFile,
} from './store/layout.js';
export {
  l2Distance,
  distanceToDense,
  dataOrderDistance,
  stabilityOf,
  StabilityError,
  type Distance,
  type StabilityRow,
} from './lottery/stability.js';
export { StoreError } from './store/errors.js';
export { readStoreJson, readStoreJsonValue, RUN_HPARAMS_HINT, RECOMPUTE_LEVEL_HINT, SLURM_JOBS_HINT } from './store/read-json.js';
export { readLevelSummary } from './lottery/summary-file.js';
export { exportOnnx, OPSET, type ExportOptions, type ExportResult } from './onnx/export.js';
export {
  exportLevel,
  loadTicket,
  verifyOnnx,
  exampleShape,
  imageDataset,
  type LevelExportOptions,
  type VerifyResult,
} from './onnx/level.js';
export { INPUT_FORMATS, type InputFormat } from './onnx/input.js';
export { readOnnxSignature, type OnnxSignature, type OnnxTensorInfo } from './onnx/inspect.js';
export { OnnxExportError } from './onnx/errors.js';
export * as xor from './xor/index.js';
export {
  acquireTrialLock,
  readLock,
  lockFile,
  LockError,
  STALE_AFTER_MS,
  type LockOwner,
  type LockState,
  type TrialLock,
} from './store/lock.js';
export { runStatus, type RunStatus, type LevelStatus, type LevelState } from './lottery/status.js';
export { writeFileAtomic, writeJsonAtomic } from './store/atomic.js';
