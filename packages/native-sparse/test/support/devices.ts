// The kernel targets every case table runs on: the fast CPU kernels, the plain CPU reference loops, and
// CUDA when this build has CUDA and a device. Unavailable targets are skipped visibly, with the reason.
import { afterAll, beforeEach, describe } from 'vitest';
import { capabilities, setKernelVariant, type Device } from '../../lib/index.js';

export interface KernelTarget {
  name: 'cpu' | 'cpu-reference' | 'cuda';
  device: Device;
  variant: 'fast' | 'reference';
  /** Why this target cannot run here, or null. */
  unavailable: string | null;
}

export function kernelTargets(): KernelTarget[] {
  const caps = capabilities();
  const cudaReason = !caps.cuda.compiled
    ? 'CUDA backend not compiled in this build'
    : caps.cuda.devices.length === 0
      ? 'no CUDA device visible on this machine'
      : null;
  return [
    { name: 'cpu', device: 'cpu', variant: 'fast', unavailable: null },
    { name: 'cpu-reference', device: 'cpu', variant: 'reference', unavailable: null },
    { name: 'cuda', device: 'cuda', variant: 'fast', unavailable: cudaReason },
  ];
}

const announced = new Set<string>();

/** describe(title) once per kernel target, with the kernel variant selected; skipped targets say why. */
export function describeEachTarget(title: string, body: (target: KernelTarget) => void): void {
  for (const target of kernelTargets()) {
    if (target.unavailable) {
      if (!announced.has(target.name)) {
        announced.add(target.name);
        console.warn(`[skip] ${target.name} kernel tests: ${target.unavailable}`);
      }
      describe.skip(`${title} [${target.name}: skipped — ${target.unavailable}]`, () => body(target));
      continue;
    }
    describe(`${title} [${target.name}]`, () => {
      beforeEach(() => setKernelVariant(target.variant));
      afterAll(() => setKernelVariant('fast'));
      body(target);
    });
  }
}
