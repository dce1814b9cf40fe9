export * from './errors.js';
export * from './tensor.js';
export * from './runtime.js';
export type { Capabilities, CudaDevice } from './native.js';
export * from './ops/dense.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/layers.js';
