import type { Capabilities } from './native.js';
import { native } from './native.js';
import { expectInt } from './check.js';

/** What this build and machine offer: CPU threads and SIMD level, CUDA build and devices. */
export function capabilities(): Capabilities {
  return native().capabilities();
}

/** Threads used by CPU kernels (default: all hardware threads). */
export function setThreads(n: number): void {
  expectInt('setThreads', 'threads', n, 1, 1024);
  native().setThreads(n);
}

export function getThreads(): number {
  return native().getThreads();
}

/**
 * CPU kernel variant: 'fast' (vectorised, threaded; default) or 'reference' (the plain loops beside each
 * kernel). Tests run both against the float64 references; benchmarks use 'reference' to validate.
 */
export function setKernelVariant(v: 'fast' | 'reference'): void {
  native().setKernelVariant(v);
}

export function getKernelVariant(): 'fast' | 'reference' {
  return native().getKernelVariant();
}
