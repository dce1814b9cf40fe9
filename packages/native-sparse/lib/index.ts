export * from './errors.js';
export * from './tensor.js';
export * from './runtime.js';
export type { Capabilities, CudaDevice } from './native.js';
export * from './ops/dense.js';
export * from './ops/optim.js';
export * from './ops/sparse.js';
export * from './ops/prune.js';
