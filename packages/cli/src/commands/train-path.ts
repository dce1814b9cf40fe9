// --train-path: which kernels the fully connected layers train on (an execution option, not a hyperparameter:
// the run hash and the results to fp32 rounding are the same either way), and the crossover table `auto` reads.
import { crossoverFilePath, loadCrossovers, TRAIN_PATH_REQUESTS, type CrossoverTable, type TrainPathRequest } from '@lth/core';
import { Option } from 'commander';

export const trainPathOption = () =>
  new Option(
    '--train-path <path>',
    "kernels of the fully connected layers at each level: auto (sparse where a layer's density is below the crossover " +
      "measured for this CPU's SIMD path or device — `lth bench calibrate-sparse` measures them into " +
      '$LTH_SPARSE_CROSSOVERS or ~/.cache/lth/sparse-crossovers.json, else built-in ones), dense (masked-dense always) or ' +
      'sparse (always). Not part of the run hash: the results equal to fp32 rounding. Conv layers always train masked-dense; ' +
      'batched trials train masked-dense under auto',
  )
    .choices([...TRAIN_PATH_REQUESTS])
    .default('auto');

/** The run options of --train-path, and a line saying where auto's crossovers come from (null when forced). */
export function trainPathRunOptions(opts: { trainPath?: TrainPathRequest }): {
  trainPath: TrainPathRequest;
  crossovers?: CrossoverTable;
  note: string;
} {
  const trainPath = opts.trainPath ?? 'auto';
  if (trainPath !== 'auto') return { trainPath, note: `train path: ${trainPath} (forced) for every fully connected layer` };
  const { table, source } = loadCrossovers(crossoverFilePath());
  return { trainPath, crossovers: table.crossovers, note: `train path: auto, crossovers from ${source}` };
}
