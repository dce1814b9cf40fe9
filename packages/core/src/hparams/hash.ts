// Runs are named by a hash of their hyperparameters *without fields at their default*, so adding a new
// hyperparameter (with a default) never renames existing runs (open_lth's rule).
import { createHash } from 'node:crypto';
import { Hparams, type Hparams as HparamsT } from './schema.js';

const DEFAULTS: HparamsT = Hparams.parse({});

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The hparams with every field equal to its default removed (empty sections dropped), keys sorted. */
export function nonDefault(h: HparamsT): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of Object.keys(h).sort() as Array<keyof HparamsT>) {
    const fields: Record<string, unknown> = {};
    const cur = h[section] as Record<string, unknown>;
    const def = DEFAULTS[section] as Record<string, unknown>;
    for (const k of Object.keys(cur).sort()) if (!sameValue(cur[k], def[k])) fields[k] = cur[k];
    if (Object.keys(fields).length) out[section] = fields;
  }
  return out;
}

/**
 * Dropout runs name their masks' stream: runs made before the masks followed the trial seed and restarted with
 * every level (a fixed seed and a counter that ran on across levels) drew other masks, so a run with dropout gets
 * a new name rather than extending such a run with levels of another stream. Runs without dropout are unaffected.
 */
const DROPOUT_STREAM = 'trial-seed, iteration';

/**
 * Stable 10-hex-digit name of a configuration. Levels and trials are left out: they are sub-directories of
 * one run, so asking for more levels or trials extends the run instead of starting a new one.
 */
export function hparamsHash(h: HparamsT): string {
  const named: Record<string, Record<string, unknown>> = nonDefault({
    ...h,
    lottery: { ...h.lottery, levels: DEFAULTS.lottery.levels, trials: DEFAULTS.lottery.trials },
  });
  if (h.model.dropout > 0) named.model = { ...named.model, dropoutStream: DROPOUT_STREAM };
  return createHash('sha256').update(JSON.stringify(named)).digest('hex').slice(0, 10);
}
