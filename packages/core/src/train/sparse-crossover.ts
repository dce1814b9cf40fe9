// Crossover densities for sparse-aware training: below its crossover a fully connected layer trains faster on the
// sparse kernels (sparseDenseForward/Backward, optimizer steps at the mask's positions) than masked-dense. They
// depend on the machine, the SIMD path and the layer's shape, so they are measured (`lth bench calibrate-sparse`
// writes a file in this format) and only read here: the choice inside a run is a pure function of the table, the
// layer's density and shape — never a timing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capabilities, type Device } from '@lth/native-sparse';
import { z } from 'zod';
import { defaultCacheDir } from '../data/sources.js';
import { writeJsonAtomic } from '../store/atomic.js';

export class CrossoverError extends Error {
  readonly code = 'ERR_CROSSOVER';
}

/** Per platform key ('cpu/avx512', 'cpu/avx2', 'cpu/generic', 'cuda'): per weight shape 'OutxIn', and 'default'. */
const PlatformCrossovers = z.record(z.string().regex(/^(\d+x\d+|default)$/), z.number().min(0).max(1));

export const CrossoverFile = z.object({
  version: z.literal(1),
  /** Where and how it was measured (free text: machine, batch size, date). */
  measuredOn: z.string(),
  batchSize: z.number().int().positive(),
  crossovers: z.record(z.string(), PlatformCrossovers),
});
export type CrossoverFile = z.infer<typeof CrossoverFile>;
export type CrossoverTable = CrossoverFile['crossovers'];

/**
 * Measured on the 2-core AMD EPYC (family 26, AVX-512) dev machine, 2026-12-07 15:19–15:25 UTC, by
 * `lth bench calibrate-sparse` on the sparse kernels of native-sparse at sparsenative 2edbf97: batch 60, one fc
 * layer's forward + backward + Adam step, fastest of repeated steps, under load (load average 5–23, other sessions'
 * builds); packages/bench/README.md has the table. 0 = sparse never won. A platform without an entry (CUDA, NEON)
 * trains masked-dense under `auto` until it is calibrated.
 */
export const BUILTIN_CROSSOVERS: CrossoverFile = {
  version: 1,
  measuredOn: 'AMD EPYC family 26 (AVX-512), 2 cores, 2026-12-07 (lth bench calibrate-sparse)',
  batchSize: 60,
  crossovers: {
    'cpu/avx512': {
      '300x784': 0.391,
      '100x300': 0.256,
      '10x100': 0,
      '256x16384': 0.175,
      '256x8192': 0.103,
      '256x4096': 0.488,
      '256x256': 0.482,
      '10x256': 0.027,
      default: 0,
    },
    'cpu/avx2': {
      '300x784': 0.52,
      '100x300': 0.309,
      '10x100': 0.042,
      '256x16384': 0.415,
      '256x8192': 0.227,
      '256x4096': 0.348,
      '256x256': 0.5,
      '10x256': 0.091,
      default: 0,
    },
    'cpu/generic': {
      '300x784': 0.629,
      '100x300': 0.639,
      '10x100': 0.277,
      '256x16384': 0.516,
      '256x8192': 0.346,
      '256x4096': 0.534,
      '256x256': 0.629,
      '10x256': 0.324,
      default: 0,
    },
  },
};

/** Where `lth bench calibrate-sparse` writes and `auto` reads the table: $LTH_SPARSE_CROSSOVERS, else the cache dir. */
export function crossoverFilePath(): string {
  return process.env.LTH_SPARSE_CROSSOVERS ?? join(defaultCacheDir(), 'sparse-crossovers.json');
}

/** The table in `path` (a CrossoverError naming the file when it is unreadable or malformed). */
export function readCrossoverFile(path: string): CrossoverFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CrossoverError(
      `${path}: not a readable JSON crossover table (${(e as Error).message}); re-run \`lth bench calibrate-sparse\` or delete the file to use the built-in crossovers`,
    );
  }
  const r = CrossoverFile.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CrossoverError(
      `${path}: not a crossover table (${issue.path.join('.') || 'top level'}: ${issue.message}); re-run \`lth bench calibrate-sparse\` or delete the file to use the built-in crossovers`,
    );
  }
  return r.data;
}

/** The calibrated table when its file exists, else the built-in one; `source` says which, for the log. */
export function loadCrossovers(path = crossoverFilePath()): { table: CrossoverFile; source: string } {
  if (!existsSync(path)) return { table: BUILTIN_CROSSOVERS, source: 'built-in crossovers' };
  return { table: readCrossoverFile(path), source: path };
}

/** Merge `measured` platforms into the file at `path` (other platforms' entries are kept) and write it atomically. */
export function writeCrossoverFile(path: string, measured: CrossoverFile): void {
  const old = existsSync(path) ? readCrossoverFile(path) : null;
  const merged: CrossoverFile = { ...measured, crossovers: { ...(old?.crossovers ?? {}), ...measured.crossovers } };
  writeJsonAtomic(path, CrossoverFile.parse(merged));
}

/** The platform key of the kernels a layer on `device` runs: 'cuda', or 'cpu/<simd path>' (LTH_SIMD's choice included). */
export function platformKey(device: Device): string {
  return device === 'cuda' ? 'cuda' : `cpu/${capabilities().cpu.simd}`;
}

/** A layer's crossover: its shape's entry, else the platform's default; null when the platform is not calibrated. */
export function crossoverFor(table: CrossoverTable, platform: string, shape: readonly number[]): number | null {
  const p = table[platform];
  if (!p) return null;
  return p[`${shape[0]}x${shape[1]}`] ?? p.default ?? null;
}

/** One calibration point: a layer's step time on both paths at one density. */
export interface CrossoverPoint {
  density: number;
  denseMs: number;
  sparseMs: number;
}

/**
 * The crossover of a layer from its step times over densities: the density where sparse stops being faster,
 * going up from the sparsest point — linear in density between the last point where sparse wins and the first
 * where it does not (time ratios interpolated). 0 when sparse loses at the sparsest point, the densest measured
 * density when it wins everywhere.
 */
export function crossoverFromTimings(points: readonly CrossoverPoint[]): number {
  if (points.length === 0) throw new CrossoverError('no calibration points');
  const pts = [...points].sort((a, b) => a.density - b.density);
  const ratio = (p: CrossoverPoint) => p.sparseMs / p.denseMs;
  if (ratio(pts[0]!) >= 1) return 0;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (ratio(b) < 1) continue;
    const t = (1 - ratio(a)) / (ratio(b) - ratio(a));
    return a.density + t * (b.density - a.density);
  }
  return pts[pts.length - 1]!.density;
}
