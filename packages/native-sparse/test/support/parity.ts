// Cross-target parity (ggml backend-test style): one case table, seeded inputs built once per case, each case
// run on two kernel targets on the same inputs and the outputs compared — continuous outputs at an fp32
// tolerance scaled to the problem, discrete outputs bit for bit.
//
// Pairs: (cpu-reference → cpu fast) always runs, so the table and the comparisons are exercised on any machine;
// (cpu fast → cuda) runs where the build has CUDA kernels and a device, else it is skipped visibly with the reason.
import { afterAll, describe, expect, it } from 'vitest';
import { fromArray, setKernelVariant, type Device, type Tensor } from '../../lib/index.js';
import { kernelTargets, type KernelTarget } from './devices.js';
import { Rng } from './random.js';

/** fp32 unit roundoff. */
export const U32 = 2 ** -24;

export interface FloatOutput {
  kind: 'float';
  data: Float32Array | number;
  /** Base tolerance as a fraction of max|baseline| (default 1e-4). */
  rel: number;
  /** Length of the longest reduction feeding one element: adds terms·u to rel. */
  terms: number;
  /**
   * Magnitude of the terms behind an element when it can exceed the result (cancellation, e.g. batch-norm dx
   * with two values per channel): the bound scales with max(max|baseline|, scale).
   */
  scale: number;
  /** Positions where this mask is 0 must be exactly 0 on both targets (pruned weights, grads, optimizer state). */
  zeroWhere: Uint8Array | null;
}

export interface ExactOutput {
  kind: 'exact';
  data: ArrayLike<number> | number;
}

/**
 * An op that must refuse its inputs: the error's code and message, identical on both targets (a kernel that
 * checks on the device reports what the CPU reports: the first bad element, in the same words).
 */
export interface ErrorOutput {
  kind: 'error';
  code: string | null;
  message: string;
  /** false where the fast kernels word it differently from the reference (e.g. without the element's index). */
  sameMessage: boolean;
}

export type Output = FloatOutput | ExactOutput | ErrorOutput;
export type Outputs = Record<string, Output>;

export function float(
  data: Float32Array | number,
  opts: { rel?: number; terms?: number; scale?: number; zeroWhere?: Uint8Array | null } = {},
): FloatOutput {
  return { kind: 'float', data, rel: opts.rel ?? 1e-4, terms: opts.terms ?? 0, scale: opts.scale ?? 0, zeroWhere: opts.zeroWhere ?? null };
}

/** Values compared exactly (±0 equal): selections and copies. */
export const same = (d: Float32Array | number) => float(d, { rel: 0 });
/** Elementwise arithmetic: a few ulps of the largest value. */
export const elem = (d: Float32Array | number, zeroWhere: Uint8Array | null = null) => float(d, { rel: 1e-6, zeroWhere });

export function exact(data: ArrayLike<number> | number): ExactOutput {
  return { kind: 'exact', data };
}

/** What `f` throws, as an output (a call that returns is recorded as such, and fails the comparison). */
export function thrown(f: () => unknown, opts: { sameMessage?: boolean } = {}): ErrorOutput {
  const sameMessage = opts.sameMessage ?? true;
  try {
    f();
  } catch (e) {
    const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'error', code: typeof code === 'string' ? code : null, message, sameMessage };
  }
  return { kind: 'error', code: null, message: '(returned without an error)', sameMessage };
}

/** Uploads inputs to one device and downloads results; every tensor it saw is disposed after the run. */
export class RunContext {
  private readonly live: Tensor[] = [];
  constructor(readonly device: Device) {}

  /** A copy of `data` on this run's device (dtype from the array type). */
  up<A extends Float32Array | Uint8Array | Int32Array>(data: A, shape: readonly number[]) {
    return this.track(fromArray(data, shape, { device: this.device }));
  }

  /** Remember t for disposal; returns it. */
  track<T extends Tensor>(t: T): T {
    this.live.push(t);
    return t;
  }

  /** t's contents (t is disposed after the run). */
  down<T extends Tensor>(t: T): ReturnType<T['download']> {
    this.track(t);
    return t.download() as ReturnType<T['download']>;
  }

  dispose(): void {
    for (const t of this.live.splice(0)) t.dispose();
  }
}

/**
 * 'realistic': a model-sized case (LeNet layers at batch 60, Conv-4 layers, 266K-weight pruning, the CUDA GEMM's
 * large tiles); 'small': everything else. LTH_PARITY_SIZES=small runs the small cases only: the emulated CUDA
 * device (one host thread per CUDA thread) runs those in CI, and every op keeps at least one (cuda-parity.test.ts).
 */
export type CaseSize = 'small' | 'realistic';

export interface ParityCase {
  /** The op as exported by lib, for grouping. */
  op: string;
  name: string;
  size: CaseSize;
  /** Runs the op on one target (the kernel variant is already selected). */
  run(ctx: RunContext): Outputs;
}

function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A case whose inputs are built once (lazily, from a seed derived from op and name) and shared by every
 * pair and both targets of a pair.
 */
export function parityCase<I>(
  op: string,
  name: string,
  inputs: (rng: Rng) => I,
  run: (ctx: RunContext, inp: I) => Outputs,
  size: CaseSize = 'small',
): ParityCase {
  let memo: I | undefined;
  return {
    op,
    name,
    size,
    run: (ctx) => run(ctx, (memo ??= inputs(new Rng(hashSeed(`${op}/${name}`))))),
  };
}

/** The same cases tagged 'realistic' (left out under LTH_PARITY_SIZES=small). */
export function realistic(cases: ParityCase[]): ParityCase[] {
  return cases.map((c) => ({ ...c, size: 'realistic' }));
}

export interface ParitySide {
  label: string;
  device: Device;
  variant: 'fast' | 'reference';
}

export interface ParityPair {
  /** Tolerances scale with this side's results. */
  baseline: ParitySide;
  candidate: ParitySide;
  unavailable: string | null;
}

const side = (t: KernelTarget): ParitySide => ({ label: t.name === 'cpu' ? 'cpu fast' : t.name, device: t.device, variant: t.variant });

/** (cpu-reference → cpu fast) and (cpu fast → cuda), with why a pair cannot run here. */
export function parityPairs(): ParityPair[] {
  const targets = kernelTargets();
  const get = (name: KernelTarget['name']) => targets.find((t) => t.name === name)!;
  const [fast, ref, cuda] = [get('cpu'), get('cpu-reference'), get('cuda')];
  return [
    { baseline: side(ref), candidate: side(fast), unavailable: ref.unavailable ?? fast.unavailable },
    { baseline: side(fast), candidate: side(cuda), unavailable: cuda.unavailable },
  ];
}

export function runOn(s: ParitySide, c: ParityCase): Outputs {
  setKernelVariant(s.variant);
  const ctx = new RunContext(s.device);
  try {
    return c.run(ctx);
  } finally {
    ctx.dispose();
    setKernelVariant('fast');
  }
}

const asArray = (d: ArrayLike<number> | number): ArrayLike<number> => (typeof d === 'number' ? [d] : d);

/** Worst |Δ|/bound per float output, for LTH_PARITY_REPORT. */
export interface Worst {
  ratio: number;
  index: number;
}

/** Compare candidate against baseline output by output; fails with the case, output, index and both values. */
export function compareOutputs(where: string, base: Outputs, cand: Outputs): Record<string, Worst> {
  expect(Object.keys(cand).sort(), `${where}: output names`).toEqual(Object.keys(base).sort());
  const worst: Record<string, Worst> = {};
  for (const [name, b] of Object.entries(base)) {
    const c = cand[name]!;
    const label = `${where} · ${name}`;
    if (b.kind === 'error' || c.kind === 'error') {
      if (b.kind !== 'error' || b.code === null) expect.fail(`${label}: the baseline must throw an lth error, got ${JSON.stringify(b)}`);
      if (c.kind !== 'error') expect.fail(`${label}: the baseline throws ${b.code} (${b.message}), the candidate returns`);
      expect(c.code, `${label}: the same error code on both targets (${c.message})`).toBe(b.code);
      if (b.sameMessage) expect(c.message, `${label}: the same error message on both targets`).toBe(b.message);
      continue;
    }
    const bd = asArray(b.data);
    const cd = asArray(c.data);
    expect(cd.length, `${label}: length`).toBe(bd.length);
    if (b.kind === 'exact') {
      for (let i = 0; i < bd.length; i++) {
        if (!Object.is(cd[i], bd[i]))
          expect.fail(`${label} differs at index ${i}: got ${cd[i]}, baseline ${bd[i]} (must be bit-identical)`);
      }
      continue;
    }
    let maxRef = 0;
    for (let i = 0; i < bd.length; i++) maxRef = Math.max(maxRef, Math.abs(bd[i]!));
    const scale = Math.max(maxRef, b.scale);
    const bound = (b.rel + b.terms * U32) * scale;
    let w: Worst = { ratio: 0, index: -1 };
    for (let i = 0; i < bd.length; i++) {
      const x = cd[i]!;
      const e = bd[i]!;
      if (Number.isNaN(e) && Number.isNaN(x)) continue;
      const d = Math.abs(x - e);
      if (!(d <= bound)) {
        expect.fail(
          `${label} differs at index ${i}: got ${x}, baseline ${e}, |Δ| ${d.toExponential(3)} > bound ${bound.toExponential(3)} ` +
            `(= (${b.rel} + ${b.terms}·2^-24)·max(max|baseline| ${maxRef.toExponential(3)}, term scale ${b.scale.toExponential(3)}))`,
        );
      }
      const r = bound > 0 ? d / bound : 0;
      if (r > w.ratio) w = { ratio: r, index: i };
    }
    worst[name] = w;
    if (b.zeroWhere) {
      for (let i = 0; i < bd.length; i++) {
        if (b.zeroWhere[i] === 0 && (bd[i] !== 0 || cd[i] !== 0)) {
          expect.fail(`${label}: pruned position ${i} must be exactly 0 on both targets, got baseline ${bd[i]}, candidate ${cd[i]}`);
        }
      }
    }
  }
  return worst;
}

const announced = new Set<string>();

/** The sizes LTH_PARITY_SIZES asks for: 'all' (default) or 'small'. */
export function paritySizes(): 'all' | 'small' {
  const v = process.env.LTH_PARITY_SIZES ?? 'all';
  if (v !== 'all' && v !== 'small') throw new Error(`LTH_PARITY_SIZES must be 'all' or 'small' (got '${v}')`);
  return v;
}

/**
 * One describe per pair over the table (its small cases only under LTH_PARITY_SIZES=small); an unavailable pair
 * is a visible describe.skip with the reason.
 */
export function describeParity(title: string, table: ParityCase[]): void {
  const report = process.env.LTH_PARITY_REPORT === '1';
  const sizes = paritySizes();
  const cases = sizes === 'small' ? table.filter((c) => c.size === 'small') : table;
  if (cases.length < table.length) {
    console.warn(`[parity] LTH_PARITY_SIZES=small: ${cases.length} of ${table.length} cases (the realistic-size ones left out)`);
  }
  for (const pair of parityPairs()) {
    const pairName = `${pair.candidate.label} vs ${pair.baseline.label}`;
    if (pair.unavailable) {
      if (!announced.has(pairName)) {
        announced.add(pairName);
        console.warn(`[skip] ${title} (${pairName}): ${pair.unavailable}`);
      }
    }
    const d = pair.unavailable ? describe.skip : describe;
    const subset = sizes === 'small' ? ', small cases' : '';
    d(`${title} [${pairName}${subset}${pair.unavailable ? `: skipped — ${pair.unavailable}` : ''}]`, () => {
      afterAll(() => setKernelVariant('fast'));
      for (const c of cases) {
        it(`${c.op}: ${c.name}`, () => {
          const base = runOn(pair.baseline, c);
          const cand = runOn(pair.candidate, c);
          const worst = compareOutputs(`${c.op} ${c.name} (${pairName})`, base, cand);
          if (report) {
            const parts = Object.entries(worst).map(([k, w]) => `${k} ${w.ratio.toFixed(3)}@${w.index}`);
            if (parts.length) console.log(`[parity] ${pairName} | ${c.op}: ${c.name} | worst |Δ|/bound: ${parts.join(', ')}`);
          }
        });
      }
    });
  }
}
