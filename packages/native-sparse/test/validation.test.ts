// The argument checker (lib/check.ts) and its native re-checks: bounded element counts, geometry, devices,
// detached Tensor methods, and outputs that share memory with inputs (ERR_ALIAS) — rejected, or correct
// where the op is documented in place. Each case is one the JS API fuzz found.
import { expect, it } from 'vitest';
import {
  add,
  avgPool2dBackward,
  batchNormBackward,
  conv2dForward,
  conv2dOutputShape,
  denseToCsr,
  dropout,
  dropoutBackward,
  flipTranslate,
  fromArray,
  gemm,
  magnitudePrune,
  maskedDenseBackward,
  maskedDenseForward,
  maxPool2d,
  numelOf,
  pool2dOutputShape,
  relu,
  reluBackward,
  resolveDevice,
  sgdStep,
  adamStep,
  shuffleMask,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { describeEachTarget } from './support/devices.js';
import { errorCode as code, tensorTracker } from './support/tensors.js';

const track = tensorTracker();
const f32 = (xs: number[], shape: number[], device: 'cpu' | 'cuda' = 'cpu') => track(fromArray(Float32Array.from(xs), shape, { device }));

it('element counts that overflow or pass 2^40 are ERR_SHAPE, in TS and in the addon', () => {
  for (const s of [[4294967296, 3, 4294967296], [2 ** 32, 2 ** 32], [2 ** 53, 2], [2 ** 40 + 1], [0, 2 ** 60], [2 ** 21, 0, 2 ** 20]]) {
    expect(
      code(() => zeros(s)),
      `zeros ${s}`,
    ).toBe('ERR_SHAPE');
    expect(
      code(() => numelOf(s)),
      `numelOf ${s}`,
    ).toBe('ERR_SHAPE');
    expect(
      code(() => (binding() as unknown as { zeros(...a: unknown[]): Tensor }).zeros(s, {})),
      `native zeros ${s}`,
    ).toBe('ERR_SHAPE');
  }
  const t = track(zeros([2, 3]));
  expect(code(() => t.reshape([4294967296, 3, 4294967296]))).toBe('ERR_SHAPE');
  expect(code(() => t.reshape([6, 2 ** 60, 0]))).toBe('ERR_SHAPE');
  for (const bad of [5, 'x', undefined, null, {}, ['a'], [1.5], [-1], [NaN]]) {
    expect(
      code(() => zeros(bad as never)),
      `zeros(${String(bad)})`,
    ).toBe('ERR_SHAPE');
    expect(code(() => numelOf(bad as never))).toBe('ERR_SHAPE');
  }
  expect(numelOf([2 ** 20, 2 ** 20])).toBe(2 ** 40);
  expect(numelOf([0, 2 ** 40])).toBe(0);
});

it('conv2dOutputShape / pool2dOutputShape reject huge, negative, fractional or missing geometry', () => {
  const x = [1, 1, 8, 8];
  const w = [1, 1, 3, 3];
  expect(conv2dOutputShape(x, w, { stride: 2, padding: 1 })).toEqual([1, 1, 4, 4]);
  for (const stride of [0, -1, 1.5, 2 ** 31, 1e300, NaN, [1], [1, undefined], 'x', {}, null]) {
    expect(
      code(() => conv2dOutputShape(x, w, { stride: stride as never })),
      `stride ${String(stride)}`,
    ).toBe('ERR_ARG');
    expect(
      code(() => pool2dOutputShape(x, { kernelSize: 2, stride: stride as never })),
      `pool stride ${String(stride)}`,
    ).toBe('ERR_ARG');
  }
  for (const padding of [-1, 0.5, 2 ** 31, [0, undefined]]) {
    expect(code(() => conv2dOutputShape(x, w, { padding: padding as never }))).toBe('ERR_ARG');
  }
  // Legal paddings whose output would pass 2^40 elements.
  expect(code(() => conv2dOutputShape([1, 1, 1, 1], [2 ** 20, 1, 1, 1], { padding: 2 ** 30 }))).toBe('ERR_SHAPE');
  for (const k of [undefined, 0, 2 ** 40, 'x']) expect(code(() => pool2dOutputShape(x, { kernelSize: k as never }))).toBe('ERR_ARG');
  expect(code(() => pool2dOutputShape(x, undefined as never))).toBe('ERR_ARG');
  expect(code(() => conv2dOutputShape([4294967296, 3, 4294967296, 1], w))).toBe('ERR_SHAPE');
});

it('wrong argument types are lth errors with a code, never TypeErrors', () => {
  const x = f32([1, 2, 3, 4], [2, 2]);
  const cases: [string, () => unknown][] = [
    ['numelOf(5)', () => numelOf(5 as never)],
    ['denseToCsr(undefined)', () => denseToCsr(undefined as never)],
    ['add(x, 5)', () => add(x, 5 as never)],
    ['add(x, x, null)', () => add(x, x, null as never)],
    ['conv2dForward({}, x)', () => conv2dForward({} as never, x)],
    ['gemm(x, [x])', () => gemm(x, [x] as never)],
    ['maskedDenseForward(x, x, { bias: "b" })', () => maskedDenseForward(x, x, { bias: 'b' as never })],
    ['magnitudePrune(x, [], 0)', () => magnitudePrune(x as never, [], 0)],
    ['magnitudePrune([x], [5], 0)', () => magnitudePrune([x], [5 as never], 0)],
    ['sgdStep(x, x, undefined)', () => sgdStep(x, x, undefined as never)],
    ['relu(Symbol())', () => relu(Symbol('s') as never)],
    ['dropout(x, Object.create(null), 1)', () => dropout(x, Object.create(null) as never, 1)],
  ];
  for (const [what, f] of cases) expect(code(f), what).toMatch(/^ERR_/);
});

it('resolveDevice accepts exactly cpu, cuda and auto', () => {
  expect(resolveDevice('cpu')).toBe('cpu');
  expect(resolveDevice()).toBe('cpu');
  expect(['cpu', 'cuda']).toContain(resolveDevice('auto'));
  for (const d of [null, 5, {}, 'gpu', 'CUDA', 'Cpu', '', ' cpu', ['cpu']]) {
    expect(
      code(() => resolveDevice(d as never)),
      `device ${JSON.stringify(d)}`,
    ).toBe('ERR_DEVICE');
    expect(code(() => zeros([1], { device: d as never }))).toBe('ERR_DEVICE');
  }
});

it('Tensor methods called detached or on another object are ERR_ARG', () => {
  const t = f32([1, 2], [2]);
  const proto = Object.getPrototypeOf(t) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['download', 'upload', 'dispose', 'reshape', 'zero', 'toString']) {
    const f = proto[m]!;
    expect(
      code(() => f()),
      `detached ${m}`,
    ).toBe('ERR_ARG');
    expect(
      code(() => f.call({})),
      `${m} on {}`,
    ).toBe('ERR_ARG');
  }
  const disposed = Object.getOwnPropertyDescriptor(proto, 'disposed')!.get!;
  expect(code(() => disposed.call(undefined))).toBe('ERR_ARG');
  expect(Array.from(t.download())).toEqual([1, 2]); // bound calls still work
  expect(t.disposed).toBe(false);
});

describeEachTarget('aliasing', (target) => {
  const device = target.device;
  const dev = { device } as const;
  const t = (xs: number[], shape: number[]) => f32(xs, shape, device);

  it('an output that is an input, or a view of one, is ERR_ALIAS', () => {
    const x = t([1, -2, 3, -4], [2, 2]);
    const W = t([1, 0, 0, 1], [2, 2]);
    const dy = t([1, 1, 1, 1], [2, 2]);
    const img = t([1, 2, 3, 4], [1, 1, 2, 2]);
    const cases: [string, () => unknown][] = [
      ['maskedDenseBackward dx === x', () => maskedDenseBackward(x, W, dy, { dx: x })],
      ['maskedDenseBackward dW === W', () => maskedDenseBackward(x, W, dy, { dW: W })],
      ['maskedDenseBackward dW view of dy', () => maskedDenseBackward(x, W, dy, { dW: dy.reshape([2, 2]) })],
      ['maskedDenseForward out === x', () => maskedDenseForward(x, W, { out: x })],
      ['gemm out === A', () => gemm(x, W, { out: x })],
      ['maxPool2d out === x', () => maxPool2d(img, { kernelSize: 1, out: img })],
      ['maxPool2d out view of x', () => maxPool2d(img, { kernelSize: 1, out: img.reshape([1, 1, 2, 2]) })],
      ['avgPool2dBackward out === dy', () => avgPool2dBackward(img, [1, 1, 2, 2], { kernelSize: 1, out: img })],
      ['conv2dForward out === x', () => conv2dForward(img, t([1], [1, 1, 1, 1]), { out: img })],
      ['batchNormBackward dx === dy', () => batchNormBackward(x, null, t([0, 0], [2]), t([1, 1], [2]), dy, { dx: dy })],
      ['flipTranslate out === src', () => flipTranslate(img, track(fromArray(new Int32Array(3), [1, 3], dev)), { out: img })],
      ['sgdStep velocity === w', () => sgdStep(x, dy, { lr: 0.1, momentum: 0.9, velocity: x })],
      ['adamStep m === v', () => adamStep(x, dy, { lr: 0.1, step: 1, m: W, v: W })],
    ];
    for (const [what, f] of cases) expect(code(f), what).toBe('ERR_ALIAS');
  });

  it('the addon re-checks aliasing itself (bypassing the TS checks)', () => {
    const n = binding() as unknown as Record<string, (...a: unknown[]) => void>;
    const x = t([1, -2, 3, -4], [2, 2]);
    const W = t([1, 0, 0, 1], [2, 2]);
    const dy = t([1, 1, 1, 1], [2, 2]);
    const img = t([1, 2, 3, 4], [1, 1, 2, 2]);
    const argmax = track(zeros([1, 1, 2, 2], { dtype: 'i32', device }));
    expect(code(() => n.maskedDenseBackward!(x, W, dy, { dx: x.reshape([2, 2]), dW: false, db: false }))).toBe('ERR_ALIAS');
    expect(code(() => n.maxPool2d!(img, { kernelSize: 1, out: img, argmax }))).toBe('ERR_ALIAS');
    expect(code(() => n.avgPool2dBackward!(img, [1, 1, 2, 2], { kernelSize: 1, out: img.reshape([1, 1, 2, 2]) }))).toBe('ERR_ALIAS');
  });

  it('documented in-place ops give the same values in place as out of place', () => {
    const xs = [1, -2, 3, -4, 0.5, -0.5];
    const same = (inPlace: Tensor, ref: Tensor) => expect(Array.from(inPlace.download())).toEqual(Array.from(ref.download()));
    {
      const x = t(xs, [2, 3]);
      const ref = track(relu(t(xs, [2, 3])));
      same(relu(x, { out: x }), ref);
    }
    {
      const y = t([1, 0, 2, 0, 3, 0], [2, 3]);
      const dy = t(xs, [2, 3]);
      const ref = track(reluBackward(y, t(xs, [2, 3])));
      same(reluBackward(y, dy, { out: dy }), ref);
    }
    {
      const x = t(xs, [2, 3]);
      const ref = dropout(t(xs, [2, 3]), 0.5, 7);
      track(ref.y);
      track(ref.keep);
      const r = dropout(x, 0.5, 7, { out: x });
      track(r.keep);
      same(r.y, ref.y);
      const dy = t(xs, [2, 3]);
      same(dropoutBackward(dy, r.keep, 0.5, { out: dy }), track(dropoutBackward(t(xs, [2, 3]), r.keep, 0.5)));
    }
    {
      const a = t(xs, [2, 3]);
      const b = t(xs, [2, 3]);
      same(add(a, b, { out: b }), track(add(t(xs, [2, 3]), t(xs, [2, 3]))));
    }
    {
      const m = track(fromArray(Uint8Array.from([1, 1, 0, 1, 0, 1]), [2, 3], dev));
      same(shuffleMask(m, 3, { out: m }), track(shuffleMask(track(fromArray(Uint8Array.from([1, 1, 0, 1, 0, 1]), [2, 3], dev)), 3)));
    }
  });
});
