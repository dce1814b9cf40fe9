// The dense, CSR, sparse dense layer and conv case tables on the AVX2 + FMA path (a CPU with AVX-512 would otherwise never run
// it): LTH_SIMD is set before any import can run a kernel (see support/simd-path.ts).
import { vi } from 'vitest';
import { forcedSimdSuite } from './support/simd-path.js';

vi.hoisted(() => {
  process.env.LTH_SIMD = 'avx2';
});

forcedSimdSuite('avx2');
await import('./sparse.test.js');
await import('./sparse_dense.test.js');
await import('./conv.test.js');
