// The case tables on a forced CPU SIMD path (env LTH_SIMD, read once per process at the first kernel call or
// capabilities()). A test file sets the variable in vi.hoisted (before any import runs a kernel), then calls
// forcedSimdSuite; vitest runs each test file in its own fork, so the choice affects that file only.
import { expect, it } from 'vitest';
import { capabilities, denseKernelInfo, type SimdPath } from '../../lib/index.js';
import { denseKernelSuite } from '../dense.suite.js';

/** Check the forced path is the one running (or say visibly why it cannot be), then run the dense suite on it. */
export function forcedSimdSuite(path: SimdPath): void {
  const caps = capabilities();
  if (!caps.cpu.simdAvailable.includes(path)) {
    console.warn(`[skip] LTH_SIMD=${path} kernel tests: this CPU has ${caps.cpu.simdAvailable.join(', ')}`);
    it.skip(`LTH_SIMD=${path} kernels [skipped — not available on this CPU]`, () => {});
    return;
  }
  it(`runs the ${path} path`, () => {
    expect(capabilities().cpu.simd).toBe(path);
    expect(capabilities().cpu.simdNote).toBeUndefined();
    expect(denseKernelInfo().isa).toBe(path);
  });
  denseKernelSuite({ only: ['cpu'] });
}
