// The dense kernels on the AVX2 + FMA CPU variant (a CPU with AVX-512 would otherwise never run it). The variant is picked
// once per process on the first kernel call, from env LTH_CPU_ISA; vitest runs each test file in its own
// fork, so setting it here (before any kernel runs) affects this file only.
import { expect, it } from 'vitest';
import { denseKernelInfo } from '../lib/index.js';
import { denseKernelSuite } from './dense.suite.js';

process.env.LTH_CPU_ISA = 'avx2';

it('runs the avx2 kernel', () => {
  // A CPU without the instructions falls back to a narrower variant, never a wider one.
  expect(['avx2', 'generic']).toContain(denseKernelInfo().isa);
});

denseKernelSuite({ only: ['cpu'] });
