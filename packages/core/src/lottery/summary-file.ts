// A finished level's summary.json, checked for the fields report, resume and branches read, so a damaged file
// is a StoreError naming it rather than a TypeError later or a report built on half a summary.
import { StoreError } from '../store/errors.js';
import { levelFile } from '../store/layout.js';
import { RECOMPUTE_LEVEL_HINT, readStoreJson } from '../store/read-json.js';
import type { LevelSummary } from './types.js';

export function readLevelSummary(ldir: string): LevelSummary {
  const path = levelFile(ldir, 'summary');
  const s = readStoreJson<LevelSummary>(path, ['trial', 'level', 'density', 'iterations', 'final', 'hash'], RECOMPUTE_LEVEL_HINT);
  const ok =
    Number.isInteger(s.trial) &&
    Number.isInteger(s.level) &&
    typeof s.hash === 'string' &&
    typeof s.density?.density === 'number' &&
    typeof s.density.layers === 'object' &&
    s.density.layers !== null &&
    typeof s.final?.testAccuracy === 'number' &&
    typeof s.final.testLoss === 'number';
  if (!ok) throw new StoreError(`fields of the wrong type; ${RECOMPUTE_LEVEL_HINT}`, path);
  return s;
}
