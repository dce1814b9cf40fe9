import type { Capabilities } from './native.js';
import { native } from './native.js';
import { arg, checkArgs } from './check.js';

/** What this build and machine offer: CPU threads and SIMD level, CUDA build and devices. */
export function capabilities(): Capabilities {
  checkArgs('capabilities', {}, []);
  return native().capabilities();
}

/** Threads used by CPU kernels (default: all hardware threads). */
export function setThreads(n: number): void {
  checkArgs('setThreads', { threads: arg.int(1, 1024) }, [n]);
  native().setThreads(n);
}

export function getThreads(): number {
  checkArgs('getThreads', {}, []);
  return native().getThreads();
}

/**
 * CPU kernel variant: 'fast' (vectorised, threaded; default) or 'reference' (the plain loops beside each
 * kernel). Tests run both against the float64 references; benchmarks use 'reference' to validate.
 */
export function setKernelVariant(v: 'fast' | 'reference'): void {
  checkArgs('setKernelVariant', { variant: arg.oneOf(['fast', 'reference']) }, [v]);
  native().setKernelVariant(v);
}

export function getKernelVariant(): 'fast' | 'reference' {
  checkArgs('getKernelVariant', {}, []);
  return native().getKernelVariant();
}
