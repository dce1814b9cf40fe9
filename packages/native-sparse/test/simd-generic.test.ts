// The dense, CSR, sparse dense layer and conv case tables on the generic path (plain C++ the compiler vectorises for the baseline
// ISA; a CPU with AVX2 or NEON would otherwise never run it): LTH_SIMD is set before any import can run a
// kernel (see support/simd-path.ts).
import { vi } from 'vitest';
import { forcedSimdSuite } from './support/simd-path.js';

vi.hoisted(() => {
  process.env.LTH_SIMD = 'generic';
});

forcedSimdSuite('generic');
await import('./sparse.test.js');
await import('./sparse_dense.test.js');
await import('./conv.test.js');
