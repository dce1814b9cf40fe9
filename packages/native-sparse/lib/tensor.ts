// Native tensors: memory owned by the addon (host or GPU). Data crosses into JS only through
// upload()/download(). The factories are the addon's (src/binding/tensor.cpp).
import { binding, bound } from './binding.js';

export type DType = 'f32' | 'u8' | 'i32';
export type Device = 'cpu' | 'cuda';
export type DeviceRequest = Device | 'auto';

export type ArrayFor<D extends DType> = D extends 'f32' ? Float32Array : D extends 'u8' ? Uint8Array : Int32Array;

/** A native tensor. `dispose()` frees its memory now (idempotent); later use throws ERR_DISPOSED. */
export interface Tensor<D extends DType = DType> {
  readonly shape: number[];
  readonly dtype: D;
  readonly device: Device;
  readonly numel: number;
  readonly disposed: boolean;
  /** Id of the memory it views: equal for a tensor and its reshape views (the alias checks compare it). */
  readonly storageId: number;
  upload(data: ArrayFor<D>): this;
  download(): ArrayFor<D>;
  dispose(): void;
  /** A view with another shape over the same memory (same element count). */
  reshape(shape: readonly number[]): Tensor<D>;
  zero(): this;
}

export interface TensorOptions<D extends DType = DType> {
  dtype?: D;
  device?: DeviceRequest;
}

/** Resolve 'auto' to cuda when the build has CUDA and a device, else cpu. 'cuda' is never downgraded (ERR_NO_CUDA). */
export const resolveDevice = bound('resolveDevice');
/** Element count of a shape; ERR_SHAPE unless it is an array of non-negative integers within 2^40 (kMaxElements in src/tensor.h). */
export const numelOf = bound('numelOf');
/** A zero-filled tensor. */
export const zeros = bound('zeros');
/** A tensor holding a copy of `data`; its dtype follows the array type. */
export const fromArray = bound('fromArray');

export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && v instanceof (binding().Tensor as unknown as abstract new () => object);
}
