// The draft's XOR Figures 9 and 10 (arXiv 1803.03635 v1, appendix A): the ONE source of the published XOR values
// is packages/cli/data/xor-draft.json (a copy of shared/published/xor-draft.json), read once here.
import { readFileSync } from 'node:fs';

export type XorMetric = 'DB' | 'ZL';
export type XorCell = Record<XorMetric, number>;

/** Figure 10's rows: the first is one-shot, the others iterative (the draft's note). */
export type XorDraftRow = 'one_shot_product' | 'input_magnitude' | 'output_magnitude' | 'magnitude_product';
export const XOR_DRAFT_ROWS: readonly XorDraftRow[] = ['one_shot_product', 'input_magnitude', 'output_magnitude', 'magnitude_product'];

export interface XorDraft {
  source: string;
  definitions: Record<'DB' | 'ZL' | 'pruned_columns', string>;
  setup: Record<string, unknown>;
  /** Percent of 1000 trials, keyed by hidden units. */
  figure9_random_init_1000_trials: Record<string, XorCell>;
  /** Percent of 1000 trials, keyed by row then by hidden units (10 = the dense network of that row's trials). */
  figure10_pruning_1000_trials: Record<XorDraftRow, Record<string, XorCell>> & { note: string };
  text_claims: string[];
}

/** One published number, flat: which figure, row and column it is. */
export interface XorPublishedValue {
  figure: 9 | 10;
  /** 'random' for Figure 9, else the Figure 10 row. */
  row: 'random' | XorDraftRow;
  units: number;
  metric: XorMetric;
  /** Percent. */
  value: number;
}

export const XOR_DRAFT: XorDraft = JSON.parse(readFileSync(new URL('../../data/xor-draft.json', import.meta.url), 'utf8')) as XorDraft;

/** Every published number of both figures (Figure 9: 5 sizes; Figure 10: 4 rows × 3 columns; DB and ZL each). */
export function xorPublishedValues(draft: XorDraft = XOR_DRAFT): XorPublishedValue[] {
  const out: XorPublishedValue[] = [];
  const metrics: XorMetric[] = ['DB', 'ZL'];
  for (const [units, cell] of Object.entries(draft.figure9_random_init_1000_trials)) {
    for (const metric of metrics) out.push({ figure: 9, row: 'random', units: Number(units), metric, value: cell[metric] });
  }
  for (const row of XOR_DRAFT_ROWS) {
    for (const [units, cell] of Object.entries(draft.figure10_pruning_1000_trials[row])) {
      for (const metric of metrics) out.push({ figure: 10, row, units: Number(units), metric, value: cell[metric] });
    }
  }
  return out;
}
