// Batched trials (runLottery with batchTrials) against the trial-by-trial path on a slice of real MNIST: for
// T = 1, 3 and 5 trials of a small MLP, every trial's metrics, masks, initial and final weights are identical
// — bit for bit: on the CPU the batched kernels run each trial's arithmetic exactly as a solo call does, and
// the data order, learning rates, evaluation points and pruning are the solo run's. Also: rewinding, one-shot,
// resume from mid-level checkpoints (batched or trial by trial after a batched stop, batched after a sequential
// stop: one checkpoint format), and the models that cannot be batched.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities } from '@lth/native-sparse';
import type { PreparedData } from '../src/data/prepare.js';
import { mnistSlice } from './support/mnist-slice.js';
import { parseHparams, type HparamsInput } from '../src/hparams/schema.js';
import { runLottery, type LevelSummary, type LotteryEvent } from '../src/lottery/runner.js';
import { readSafetensors } from '../src/store/safetensors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-batched-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let data: PreparedData;

beforeAll(async () => {
  data = await mnistSlice({ validationSize: 300, subset: 1200, seed: 1, test: 500 });
});

const base = (trials: number, extra: Partial<HparamsInput> = {}): HparamsInput => ({
  dataset: { batchSize: 30, validationSize: 300, subset: 1200 },
  model: { model: 'mlp-40-20' },
  training: { steps: '60it', evalEvery: 20 },
  lottery: { levels: 2, trials },
  ...extra,
});

/** Every file under dir, relative path → bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The store of two runs of the same hparams: the same files, byte for byte. */
function expectSameStore(a: string, b: string): void {
  const fa = files(a);
  const fb = files(b);
  expect([...fb.keys()].sort()).toEqual([...fa.keys()].sort());
  for (const [k, v] of fa) expect(fb.get(k)!.equals(v), `${k} differs`).toBe(true);
}

function tensors(path: string) {
  return readSafetensors(path).tensors;
}

const withoutHash = (s: LevelSummary) => ({ ...s, hash: '' });

describe('batched trials give the trial-by-trial results', () => {
  let sequential5: { dir: string; summaries: LevelSummary[] };

  it('T = 5: the same store, byte for byte (metrics, summaries, masks, init and final weights)', async () => {
    const h = parseHparams(base(5));
    sequential5 = await runLottery(h, { root: join(tmp, 'seq'), data });
    const events: LotteryEvent[] = [];
    const batched = await runLottery(h, { root: join(tmp, 'batched'), data, batchTrials: true, onEvent: (e) => events.push(e) });
    expect(batched.complete).toBe(true);
    expect(batched.dir.replace(join(tmp, 'batched'), '')).toBe(sequential5.dir.replace(join(tmp, 'seq'), ''));
    expect(batched.summaries).toEqual(sequential5.summaries);
    expect(batched.summaries.map((s) => [s.trial, s.level])).toEqual(
      [0, 1, 2, 3, 4].flatMap((t) => [
        [t, 0],
        [t, 1],
        [t, 2],
      ]),
    );
    expectSameStore(sequential5.dir, batched.dir);
    // The trials differ from each other (own seeds and data orders), and every trial and level reports.
    const finals = [0, 1, 2, 3, 4].map((t) => tensors(join(batched.dir, `trial_${t}`, 'level_2', 'final.safetensors'))['fc1.weight']!.data);
    expect(Array.from(finals[1]!)).not.toEqual(Array.from(finals[0]!));
    for (const type of ['level-start', 'level-end'] as const) expect(events.filter((e) => e.type === type)).toHaveLength(15);
    expect(batched.summaries[0]!.final.testAccuracy).toBeGreaterThan(0.5);
  });

  for (const T of [1, 3]) {
    it(`T = ${T}: each trial's summaries, metrics, masks and weights equal trial t of the sequential 5-trial run`, async () => {
      const h = parseHparams(base(T));
      const r = await runLottery(h, { root: join(tmp, `batched${T}`), data, batchTrials: true });
      expect(r.complete).toBe(true);
      expect(r.summaries.map(withoutHash)).toEqual(sequential5.summaries.filter((s) => s.trial < T).map(withoutHash));
      for (let t = 0; t < T; t++) {
        for (const level of [0, 1, 2]) {
          const a = join(sequential5.dir, `trial_${t}`, `level_${level}`);
          const b = join(r.dir, `trial_${t}`, `level_${level}`);
          expect(readFileSync(join(b, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(a, 'metrics.csv'), 'utf8'));
          for (const f of ['mask', 'init', 'final']) {
            const ta = tensors(join(a, `${f}.safetensors`));
            const tb = tensors(join(b, `${f}.safetensors`));
            expect(Object.keys(tb)).toEqual(Object.keys(ta));
            for (const k of Object.keys(ta))
              expect(Buffer.from(tb[k]!.data.buffer).equals(Buffer.from(ta[k]!.data.buffer)), `trial ${t} level ${level} ${f} ${k}`).toBe(
                true,
              );
          }
        }
      }
    });
  }

  it('rewinding to iteration k and one-shot pruning: the same store as trial by trial', async () => {
    for (const [name, extra, oneShot] of [
      ['rewind', { lottery: { levels: 1, trials: 3, rewind: '20it' } }, false],
      ['oneshot', { lottery: { levels: 2, trials: 2 } }, true],
    ] as const) {
      const h = parseHparams(base(1, extra));
      const a = await runLottery(h, { root: join(tmp, `${name}-seq`), data, oneShot });
      const b = await runLottery(h, { root: join(tmp, `${name}-batched`), data, oneShot, batchTrials: true });
      expect(b.summaries).toEqual(a.summaries);
      expectSameStore(a.dir, b.dir);
    }
  });
});

describe('batched trials resume from mid-level checkpoints', () => {
  const h = parseHparams(base(3));
  const ck = (dir: string, t: number, level: number) => join(dir, `trial_${t}`, `level_${level}`, 'checkpoint.json');
  const ckIteration = (dir: string, t: number, level: number) =>
    (JSON.parse(readFileSync(ck(dir, t, level), 'utf8')) as { iteration: number }).iteration;
  const resumeFroms = (events: LotteryEvent[], level: number) =>
    events.flatMap((e) => (e.type === 'level-start' && e.level === level ? [[e.trial, e.resumeFrom]] : []));
  /** Trial 1's level 1 checkpoint files as the batched stop wrote them. */
  const batchedCk = new Map<string, Buffer>();
  let straightDir = '';
  let straight: LevelSummary[] = [];

  beforeAll(async () => {
    const r = await runLottery(h, { root: join(tmp, 'resume-straight'), data, batchTrials: true });
    straightDir = r.dir;
    straight = r.summaries;
  });

  it('a batched level stopped at iteration 40 of 60 leaves every trial a checkpoint (also every checkpointEvery)', async () => {
    const root = join(tmp, 'resume-batched');
    const ac = new AbortController();
    let dir = '';
    let periodic: number[] = [];
    const events: LotteryEvent[] = [];
    const stopped = await runLottery(h, {
      root,
      data,
      batchTrials: true,
      checkpointEvery: 20,
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'run') dir = e.dir;
        if (e.type === 'metrics' && e.level === 1 && e.trial === 2 && e.rows[0]!.iteration === 40) {
          periodic = [0, 1, 2].map((t) => ckIteration(dir, t, 1)); // the interval's checkpoint, before the stop
          ac.abort();
        }
      },
    });
    expect(stopped.complete).toBe(false);
    expect(stopped.summaries.map((s) => s.level)).toEqual([0, 0, 0]);
    expect(periodic).toEqual([20, 20, 20]);
    expect(events.filter((e) => e.type === 'stopped').map((e) => e.type === 'stopped' && [e.trial, e.iteration, e.checkpointed])).toEqual([
      [0, 40, true],
      [1, 40, true],
      [2, 40, true],
    ]);
    for (const t of [0, 1, 2]) expect(ckIteration(stopped.dir, t, 1)).toBe(40);
    for (const f of ['checkpoint.json', 'checkpoint.safetensors'])
      batchedCk.set(f, readFileSync(join(stopped.dir, 'trial_1', 'level_1', f)));
    cpSync(root, join(tmp, 'resume-batched-copy'), { recursive: true });
  });

  it('resumed batched, it continues every trial from iteration 40 and ends with the uninterrupted store', async () => {
    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { root: join(tmp, 'resume-batched'), data, batchTrials: true, onEvent: (e) => events.push(e) });
    expect(resumed.complete).toBe(true);
    expect(events.filter((e) => e.type === 'level-skip')).toHaveLength(3);
    expect(resumeFroms(events, 1)).toEqual([
      [0, 40],
      [1, 40],
      [2, 40],
    ]);
    expect(resumed.summaries).toEqual(straight);
    expectSameStore(straightDir, resumed.dir);
  });

  it('resumed trial by trial, the batched checkpoints give the same store', async () => {
    const events: LotteryEvent[] = [];
    const resumed = await runLottery(h, { root: join(tmp, 'resume-batched-copy'), data, onEvent: (e) => events.push(e) });
    expect(resumed.complete).toBe(true);
    expect(resumeFroms(events, 1)).toEqual([
      [0, 40],
      [1, 40],
      [2, 40],
    ]);
    expect(resumed.summaries).toEqual(straight);
    expectSameStore(straightDir, resumed.dir);
  });

  it('a sequential run stopped inside trial 1 is finished batched: trial 1 keeps its checkpoint, same store', async () => {
    const root = join(tmp, 'resume-mixed');
    const ac = new AbortController();
    const stopped = await runLottery(h, {
      root,
      data,
      checkpointEvery: 20,
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'metrics' && e.trial === 1 && e.level === 1 && e.rows[0]!.iteration === 40) ac.abort();
      },
    });
    expect(stopped.complete).toBe(false);
    // The same state written by either path: trial 1's checkpoint at 40 equals the batched run's, byte for byte.
    expect(batchedCk.size).toBe(2);
    for (const [f, a] of batchedCk) expect(readFileSync(join(stopped.dir, 'trial_1', 'level_1', f)).equals(a), f).toBe(true);
    const events: LotteryEvent[] = [];
    const finished = await runLottery(h, { root, data, batchTrials: true, onEvent: (e) => events.push(e) });
    expect(finished.complete).toBe(true);
    expect(events.filter((e) => e.type === 'level-skip').map((e) => e.type === 'level-skip' && [e.trial, e.level])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 2],
    ]);
    // Trial 1 resumes level 1 from its checkpoint (a batch of its own), trial 2 starts it.
    expect(resumeFroms(events, 1)).toEqual([
      [1, 40],
      [2, 0],
    ]);
    const sequential = await runLottery(h, { root: join(tmp, 'mixed-straight'), data });
    expect(finished.summaries).toEqual(sequential.summaries);
    expectSameStore(sequential.dir, finished.dir);
    expectSameStore(straightDir, finished.dir);
  });
});

describe('models that cannot be batched', () => {
  it('a convolutional model or dropout is a clear ERR_BATCH before anything is written', async () => {
    for (const [model, dropout, msg] of [
      ['conv2', 0, /conv2.*only fully connected models/],
      ['mlp-40-20', 0.5, /dropout/],
    ] as const) {
      const h = parseHparams({ ...base(2), model: { model, dropout } });
      const root = join(tmp, `unbatchable-${model}`);
      const err = await runLottery(h, { root, data, batchTrials: true }).catch((e: unknown) => e as { code?: string; message: string });
      expect((err as { code?: string }).code).toBe('ERR_BATCH');
      expect((err as { message: string }).message).toMatch(msg);
      expect(() => readdirSync(root)).toThrow();
    }
  });
});

// On a GPU: the batched CUDA ops must give each trial what the solo CUDA ops give (bit for bit by design; the
// emulation checks the kernels, this checks the hardware). Skipped visibly where there is no device.
const cudaHere = (() => {
  const c = capabilities().cuda;
  return c.kernels && c.devices.length > 0;
})();
describe.skipIf(!cudaHere)(`batched trials on CUDA${cudaHere ? '' : ' [skipped: no CUDA device]'}`, () => {
  it('T = 3 on cuda: the same store as trial by trial on cuda', async () => {
    const h = parseHparams(base(3));
    const a = await runLottery(h, { root: join(tmp, 'cuda-seq'), data, device: 'cuda' });
    const b = await runLottery(h, { root: join(tmp, 'cuda-batched'), data, device: 'cuda', batchTrials: true });
    expect(b.summaries).toEqual(a.summaries);
    expectSameStore(a.dir, b.dir);
  });
});
