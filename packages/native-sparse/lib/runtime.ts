// Process-wide settings and capabilities (src/binding/runtime.cpp).
import { bound } from './binding.js';

/** What this build and machine offer: CPU threads and SIMD level, CUDA build and devices. */
export const capabilities = bound('capabilities');
/** Threads used by CPU kernels (default: all hardware threads), 1 to 1024. */
export const setThreads = bound('setThreads');
export const getThreads = bound('getThreads');
/**
 * CPU kernel variant: 'fast' (vectorised, threaded; default) or 'reference' (the plain loops beside each
 * kernel). Tests run both against the float64 references; benchmarks use 'reference' to validate.
 */
export const setKernelVariant = bound('setKernelVariant');
export const getKernelVariant = bound('getKernelVariant');
