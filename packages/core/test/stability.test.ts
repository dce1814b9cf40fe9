// Stability (Stabilizing the LTH §3) is measured on the subnetwork: the dense network's weights at pruned
// positions and batch-norm parameters are not part of either distance. Checked on a hand-built store.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distanceToDense, dataOrderDistance, l2Distance, stabilityOf } from '../src/lottery/stability.js';
import { writeSafetensors, type NamedArray } from '../src/store/safetensors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-stability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const f32 = (...v: number[]): NamedArray => ({ shape: [v.length], data: Float32Array.from(v) });
const u8 = (...v: number[]): NamedArray => ({ shape: [v.length], data: Uint8Array.from(v) });

function level(dir: string, final: Record<string, NamedArray>, mask: Record<string, NamedArray>, density: number): void {
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, 'final.safetensors'), final);
  writeSafetensors(join(dir, 'mask.safetensors'), mask);
  // A whole summary: stabilityOf reads it through the checked reader (readLevelSummary).
  const summary = {
    trial: 0,
    level: Number(/level_(\d+)$/.exec(dir)![1]),
    density: { density, layers: {} },
    iterations: { start: 0, end: 10 },
    earlyStop: null,
    draftEarlyStop: null,
    final: { testAccuracy: 0.5, testLoss: 1, valAccuracy: null, valLoss: null },
    hash: 'x',
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
}

// A run with fc1.weight (4 weights, 2 pruned at level 1) and a batch-norm scale that training moved.
const run = join(tmp, 'lottery_x');
mkdirSync(run, { recursive: true });
writeFileSync(join(run, 'hparams.json'), '{}');
level(join(run, 'trial_0', 'level_0'), { 'fc1.weight': f32(1, -2, 3, 10), 'bn1.weight': f32(1.5) }, { 'fc1.weight': u8(1, 1, 1, 1) }, 1);
// The ticket: alive at positions 0 and 2 (its pruned positions hold 0).
level(join(run, 'trial_0', 'level_1'), { 'fc1.weight': f32(4, 0, 7, 0), 'bn1.weight': f32(0.2) }, { 'fc1.weight': u8(1, 0, 1, 0) }, 0.5);
level(
  join(run, 'branch_data-order', 'trial_0', 'level_1'),
  { 'fc1.weight': f32(4, 0, 4, 0), 'bn1.weight': f32(9) },
  { 'fc1.weight': u8(1, 0, 1, 0) },
  0.5,
);

describe('stability on the subnetwork', () => {
  it('to pruning: ‖W_ticket − m ⊙ W_dense‖, without the dense weights at pruned positions or batch norm', () => {
    const d = distanceToDense(run, 0, 1);
    expect(d.l2).toBeCloseTo(5, 6); // (4−1, 7−3) = (3, 4)
    expect(d.relative).toBeCloseTo(5 / Math.sqrt(10), 6); // ‖m ⊙ W_dense‖ = ‖(1, 3)‖
  });

  it('to data order: between the two trainings of the ticket, over its mask', () => {
    expect(dataOrderDistance(run, 0, 1).l2).toBeCloseTo(3, 6);
  });

  it('a ticket equal to the masked dense network has distance 0', () => {
    const mask = { w: u8(1, 0, 1) };
    expect(l2Distance({ w: f32(2, 0, 5) }, { w: f32(2, 8, 5) }, mask).l2).toBe(0);
  });

  it('stabilityOf lists every pruned level with both distances', () => {
    const rows = stabilityOf(run);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trial: 0, level: 1, density: 0.5 });
    expect(rows[0]!.toDense.l2).toBeCloseTo(5, 6);
    expect(rows[0]!.dataOrder!.l2).toBeCloseTo(3, 6);
    expect(() => stabilityOf(join(tmp, 'nope'))).toThrow(/not a run directory/);
  });
});
