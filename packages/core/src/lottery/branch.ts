// Control experiments on an existing IMP run (Frankle & Carbin §2–3; Zhou et al. 2019 for same-sign):
// each level of each trial is retrained from a modified starting point, reusing the run's masks.
//  - reinit:    same masks, fresh weights from the same initialiser (an independent seeded stream);
//  - rearrange: within each layer, which positions survive is shuffled (seeded). Two readings of what the
//               survivors start from (`rearrangeMode`): 'position' (default, open_lth's): each takes the trial's
//               original initial value at its new position; 'connections' (the 2018 draft's: the ticket's own
//               initial values move with the shuffled connections): the ticket's surviving initial values, in a
//               seeded random order, are placed at the new positions (branch_rearrange-connections);
//  - same-sign: fresh magnitudes, but each weight keeps the sign of the trial's original initialisation;
//  - data-order: the ticket itself (same masks, same starting weights) trained under another data order,
//               for the stability measure of Frankle et al. 2019 (Stabilizing the LTH).
// Results go to <run>/branch_<kind>[_seed<s>]/trial_<t>/level_<k>/ and resume like the run itself.
import { existsSync } from 'node:fs';
import { RUN_HPARAMS_HINT, readStoreJson } from '../store/read-json.js';
import { readLevelSummary } from './summary-file.js';
import { resolveDevice, shuffleMask, type DeviceRequest } from '@lth/native-sparse';
import type { PreparedData } from '../data/prepare.js';
import { parseHparams, toIterations } from '../hparams/schema.js';
import { initWeights } from '../models/init.js';
import { createModel } from '../models/registry.js';
import { isPrunable } from '../models/types.js';
import { branchDir, isLevelDone, levelDir, levelFile, resetFile, runHparamsFile, trialDir } from '../store/layout.js';
import { acquireTrialLock } from '../store/lock.js';
import { readSafetensors } from '../store/safetensors.js';
import { residentFor } from '../train/resident.js';
import { itersPerEpoch } from '../train/loop.js';
import { Random } from '../util/rng.js';
import { trainLevelGroup } from './level-runner.js';
import { heartbeatOn, loadPrepared, selectedTrials, trainPathOptions } from './runner.js';
import type { CrossoverTable } from '../train/sparse-crossover.js';
import type { TrainPathRequest } from '../train/train-paths.js';
import type { LevelSummary, LotteryEvent } from './types.js';
import { applyMasks, loadMasks, loadWeights, saveMasks } from './weights.js';

export type BranchKind = 'reinit' | 'rearrange' | 'same-sign' | 'data-order';
export const BRANCH_KINDS: BranchKind[] = ['reinit', 'rearrange', 'same-sign', 'data-order'];

export type RearrangeMode = 'position' | 'connections';
export const REARRANGE_MODES: RearrangeMode[] = ['position', 'connections'];

export interface BranchOptions {
  /** rearrange only: what the shuffled survivors start from (default 'position'; see the file comment). */
  rearrangeMode?: RearrangeMode;
  /** Seed offset of the control's random stream (default 0). */
  seed?: number;
  device?: DeviceRequest;
  dataDir?: string;
  data?: PreparedData;
  /** Levels to run (default: every finished level of the run except the dense level 0). */
  levels?: number[];
  checkpointEvery?: number;
  onEvent?: (e: LotteryEvent) => void;
  signal?: AbortSignal;
  /** Run only these trials of the control (default: all); a cluster job runs one (`lth submit`). */
  trials?: number[];
  /** Keep the data set on the device for the whole branch (default: on for CUDA, off for the CPU). */
  residentData?: boolean;
  /** Kernels of the fully connected layers (LotteryOptions.trainPath): not part of the branch's identity. */
  trainPath?: TrainPathRequest;
  crossovers?: CrossoverTable;
}

export interface BranchResult {
  dir: string;
  complete: boolean;
  summaries: LevelSummary[];
}

export function branchName(kind: BranchKind, seed = 0): string {
  return seed === 0 ? kind : `${kind}_seed${seed}`;
}

export async function runBranch(run: string, kind: BranchKind, opts: BranchOptions = {}): Promise<BranchResult> {
  if (!BRANCH_KINDS.includes(kind)) throw new Error(`unknown control '${kind}' (expected ${BRANCH_KINDS.join(', ')})`);
  const meta = readStoreJson<{ hparams: unknown; hash: string }>(runHparamsFile(run), ['hparams', 'hash'], RUN_HPARAMS_HINT);
  const h = parseHparams(meta.hparams);
  const seedOffset = opts.seed ?? 0;
  const mode = opts.rearrangeMode ?? 'position';
  if (!REARRANGE_MODES.includes(mode)) throw new Error(`unknown rearrange mode '${mode}' (expected ${REARRANGE_MODES.join(', ')})`);
  const connections = kind === 'rearrange' && mode === 'connections';
  const trainPaths = trainPathOptions(opts);
  const dir = branchDir(
    run,
    connections ? branchName(kind, seedOffset).replace(/^rearrange/, 'rearrange-connections') : branchName(kind, seedOffset),
  );
  const data = opts.data ?? (await loadPrepared(h, opts.dataDir));
  const device = resolveDevice(opts.device ?? 'cpu');
  const perEpoch = itersPerEpoch(h, data.train.count);
  const end = toIterations(h.training.steps, perEpoch);
  const rewindAt = toIterations(h.lottery.rewind, perEpoch);
  const ckEvery = opts.checkpointEvery ?? Math.max(h.training.evalEvery, Math.round(1000 / h.training.evalEvery) * h.training.evalEvery);
  const summaries: LevelSummary[] = [];

  const resident = residentFor(data, device, opts.residentData);
  try {
    for (const t of selectedTrials(h.lottery.trials, opts.trials)) {
      const levels = (opts.levels ?? Array.from({ length: h.lottery.levels }, (_, i) => i + 1)).filter((l) =>
        isLevelDone(levelDir(run, t, l)),
      );
      if (levels.length === 0) continue;
      const seed = h.lottery.seed + t;
      const reset = resetFile(run, t, rewindAt);
      if (!existsSync(reset)) throw new Error(`${reset} is missing: the run's trial ${t} has no reset point`);
      const lock = acquireTrialLock(trialDir(dir, t));
      const onEvent = heartbeatOn(opts.onEvent, () => lock.heartbeat());
      const model = createModel(h.model, data.exampleShape, data.classes, device);
      try {
        for (const level of levels) {
          const ldir = levelDir(dir, t, level);
          if (isLevelDone(ldir)) {
            summaries.push(readLevelSummary(ldir));
            continue;
          }
          const maskFile = levelFile(ldir, 'mask');
          const masks = () => {
            loadMasks(existsSync(maskFile) ? maskFile : levelFile(levelDir(run, t, level), 'mask'), model);
            // The rearranged masks are derived once and stored, so a resumed branch uses the same ones.
            if (kind === 'rearrange' && !existsSync(maskFile)) {
              model.params.forEach((p, i) => {
                if (p.mask && isPrunable(p.kind))
                  shuffleMask(p.mask, seed * 1000003 + level * 7919 + i + seedOffset * 104729, { out: p.mask });
              });
            }
            if (!existsSync(maskFile)) saveMasks(maskFile, model, { control: kind });
          };
          const fresh = () => {
            loadWeights(reset, model);
            if (kind === 'reinit' || kind === 'same-sign') {
              // A stream of its own per trial, level and seed offset: independent of the run's initialisation.
              const rng = new Random(seed, `${kind}-${seedOffset}-level-${level}`);
              for (const p of model.params) {
                if (!isPrunable(p.kind)) continue;
                const w = initWeights(p.shape, { name: h.model.init, std: h.model.initStd }, rng);
                if (kind === 'same-sign') {
                  const orig = p.value.download();
                  for (let i = 0; i < w.length; i++) w[i] = Math.sign(orig[i]!) * Math.abs(w[i]!) || 0;
                }
                p.value.upload(w);
              }
            }
            if (connections) {
              // The ticket's surviving initial values, shuffled, onto the rearranged survivors.
              const ticketMask = readSafetensors(levelFile(levelDir(run, t, level), 'mask')).tensors;
              const rng = new Random(seed, `rearrange-connections-${seedOffset}-level-${level}`);
              for (const p of model.params) {
                if (!p.mask || !isPrunable(p.kind)) continue;
                const w = p.value.download();
                const old = ticketMask[p.name]!.data as Uint8Array;
                const values = rng.shuffle(Float32Array.from(w.filter((_, i) => old[i] === 1)));
                const now = p.mask.download();
                const out = new Float32Array(w.length);
                let k = 0;
                for (let i = 0; i < out.length; i++) if (now[i]) out[i] = values[k++]!;
                p.value.upload(out);
              }
            }
            applyMasks(model.params);
          };
          const dataSeed =
            kind === 'data-order' ? (h.training.dataOrderSeed || seed) + 7_919_000 + seedOffset : h.training.dataOrderSeed || seed;
          const done = trainLevelGroup({
            h,
            data,
            hash: meta.hash,
            level,
            levelStart: level === 0 ? 0 : rewindAt,
            end,
            ckEvery,
            solo: model,
            batched: false,
            // Dropout's masks follow the trial seed in every branch (the data-order branch changes data order and augmentation only).
            trials: [{ trial: t, ldir, dataSeed, dropoutSeed: seed, masks, fresh }],
            onEvent,
            signal: opts.signal,
            resident,
            trainPaths,
          });
          if (!done) return { dir, complete: false, summaries };
          summaries.push(...done);
        }
      } finally {
        model.dispose();
        lock.release();
      }
    }
  } finally {
    resident?.dispose();
  }
  return { dir, complete: true, summaries };
}
