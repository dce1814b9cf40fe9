// Native tensors: memory owned by the addon (host or GPU). Data crosses into JS only through
// upload()/download().
import { arg, checkArgs, checkShapeValue, describeValue, isTensorValue } from './check.js';
import { LthError } from './errors.js';
import { native, type Capabilities } from './native.js';

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

let cachedCaps: Capabilities | undefined;

/** Resolve 'auto' to cuda when the build has CUDA kernels and a device, else cpu. 'cuda' is never downgraded. */
export function resolveDevice(request: DeviceRequest = 'cpu'): Device {
  if (request === 'cpu') return 'cpu';
  if (request !== 'cuda' && request !== 'auto') {
    throw new LthError('ERR_DEVICE', `device must be 'cpu', 'cuda' or 'auto', got ${describeValue(request)}`);
  }
  // The build and the visible devices do not change while the process runs: ask once.
  const caps = (cachedCaps ??= native().capabilities());
  const cudaUsable = caps.cuda.compiled && caps.cuda.kernels && caps.cuda.devices.length > 0;
  if (request === 'auto') return cudaUsable ? 'cuda' : 'cpu';
  if (request === 'cuda' && !(caps.cuda.compiled && caps.cuda.devices.length > 0)) {
    throw new LthError(
      'ERR_NO_CUDA',
      caps.cuda.compiled ? 'device cuda requested but no CUDA device is visible' : 'device cuda requested but this build has no CUDA backend',
    );
  }
  return request;
}

const tensorOptions = arg.options({ dtype: arg.oneOf(['f32', 'u8', 'i32'], true), device: arg.any() });

/** Element count of a shape; ERR_SHAPE unless it is an array of non-negative integers within MAX_ELEMENTS. */
export function numelOf(shape: readonly number[]): number {
  return checkShapeValue('numelOf', 'shape', shape).reduce((a, b) => a * b, 1);
}

/** A zero-filled tensor. */
export function zeros<D extends DType = 'f32'>(shape: readonly number[], opts: TensorOptions<D> = {}): Tensor<D> {
  checkArgs('zeros', { shape: arg.shape(), opts: tensorOptions }, [shape, opts]);
  return native().empty(shape, opts.dtype ?? 'f32', resolveDevice(opts.device)) as Tensor<D>;
}

/** A tensor holding a copy of `data`; its dtype follows the array type. */
export function fromArray<A extends Float32Array | Uint8Array | Int32Array>(
  data: A,
  shape: readonly number[],
  opts: { device?: DeviceRequest } = {},
): Tensor<A extends Float32Array ? 'f32' : A extends Uint8Array ? 'u8' : 'i32'> {
  checkArgs('fromArray', { data: arg.typedArray('f32', 'u8', 'i32'), shape: arg.shape(), opts: tensorOptions }, [data, shape, opts]);
  if (numelOf(shape) !== data.length) {
    throw new LthError('ERR_SHAPE', `fromArray: shape [${shape.join(',')}] needs ${numelOf(shape)} elements, got ${data.length}`);
  }
  const dtype: DType = data instanceof Float32Array ? 'f32' : data instanceof Uint8Array ? 'u8' : 'i32';
  const t = native().empty(shape, dtype, resolveDevice(opts.device));
  (t as Tensor<DType>).upload(data as never);
  return t as never;
}

export function isTensor(v: unknown): v is Tensor {
  return isTensorValue(v);
}
