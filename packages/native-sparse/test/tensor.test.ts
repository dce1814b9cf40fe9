import { afterAll, describe, expect, it } from 'vitest';
import { capabilities, fromArray, getThreads, isLthError, LthError, setThreads, zeros, resolveDevice } from '../lib/index.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(isLthError(e), `expected an lth error, got ${String(e)}`).toBe(true);
    return (e as { code: string }).code;
  }
  return undefined;
}

describe('Tensor', () => {
  it('round-trips f32, u8 and i32 data with shape, dtype and device', () => {
    const f = fromArray(new Float32Array([1.5, -2, 3, 4, 5, 6]), [2, 3]);
    expect(f.shape).toEqual([2, 3]);
    expect(f.dtype).toBe('f32');
    expect(f.device).toBe('cpu');
    expect(f.numel).toBe(6);
    expect(Array.from(f.download())).toEqual([1.5, -2, 3, 4, 5, 6]);
    const u = fromArray(new Uint8Array([0, 1, 255]), [3]);
    expect(u.dtype).toBe('u8');
    expect(Array.from(u.download())).toEqual([0, 1, 255]);
    const i = fromArray(new Int32Array([-7, 2 ** 31 - 1]), [2]);
    expect(Array.from(i.download())).toEqual([-7, 2 ** 31 - 1]);
  });

  it('starts zero-filled, supports empty and scalar shapes', () => {
    expect(Array.from(zeros([3, 2]).download())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(zeros([0, 5]).numel).toBe(0);
    expect(zeros([0, 5]).download().length).toBe(0);
    expect(zeros([]).numel).toBe(1);
  });

  it('reshape is a view that shares memory and outlives the original', () => {
    const t = fromArray(new Float32Array([1, 2, 3, 4]), [2, 2]);
    const v = t.reshape([4]);
    t.upload(new Float32Array([9, 8, 7, 6]));
    t.dispose();
    expect(Array.from(v.download())).toEqual([9, 8, 7, 6]);
    expect(codeOf(() => v.reshape([3]))).toBe('ERR_SHAPE');
  });

  it('dispose is idempotent and later use throws ERR_DISPOSED', () => {
    const t = zeros([4]);
    t.dispose();
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(codeOf(() => t.download())).toBe('ERR_DISPOSED');
    expect(codeOf(() => t.upload(new Float32Array(4)))).toBe('ERR_DISPOSED');
    expect(codeOf(() => t.reshape([2, 2]))).toBe('ERR_DISPOSED');
  });

  it('rejects wrong upload types and lengths with codes', () => {
    const t = zeros([4]);
    expect(codeOf(() => t.upload(new Float32Array(3)))).toBe('ERR_SHAPE');
    expect(codeOf(() => (t as unknown as { upload(a: Int32Array): void }).upload(new Int32Array(4)))).toBe('ERR_DTYPE');
    expect(codeOf(() => fromArray(new Float32Array(5), [2, 2]))).toBe('ERR_SHAPE');
    expect(codeOf(() => zeros([-1]))).toBe('ERR_SHAPE');
    expect(codeOf(() => zeros([1.5]))).toBe('ERR_SHAPE');
  });

  it('cannot be constructed directly from JS', async () => {
    const { binding } = await import('../lib/binding.js');
    const Ctor = binding().Tensor as unknown as new () => unknown;
    expect(codeOf(() => new Ctor())).toBe('ERR_ARG');
  });
});

describe('runtime', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));

  it('reports capabilities', () => {
    const caps = capabilities();
    expect(caps.cpu.threads).toBeGreaterThanOrEqual(1);
    expect(['avx512', 'avx2', 'generic', 'neon']).toContain(caps.cpu.simd);
    expect(caps.cpu.simdAvailable).toContain(caps.cpu.simd);
    expect(typeof caps.cuda.compiled).toBe('boolean');
    expect(Array.isArray(caps.cuda.devices)).toBe(true);
    if (caps.cuda.compiled) expect(caps.cuda.archs.length).toBeGreaterThan(0);
  });

  it('sets threads and rejects bad counts', () => {
    setThreads(1);
    expect(getThreads()).toBe(1);
    expect(codeOf(() => setThreads(0))).toBe('ERR_ARG');
    expect(codeOf(() => setThreads(2.5))).toBe('ERR_ARG');
  });

  it("an explicit 'cuda' that cannot be honoured throws ERR_NO_CUDA, 'auto' picks a usable device", () => {
    const caps = capabilities();
    if (caps.cuda.devices.length === 0) {
      expect(codeOf(() => zeros([2], { device: 'cuda' }))).toBe('ERR_NO_CUDA');
      expect(resolveDevice('auto')).toBe('cpu');
    } else {
      expect(['cpu', 'cuda']).toContain(resolveDevice('auto'));
    }
    expect(new LthError('ERR_ARG', 'x').code).toBe('ERR_ARG');
  });
});
