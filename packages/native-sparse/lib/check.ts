// Argument checks run in TypeScript before native calls, so a mistake gets a message naming the op, the
// argument and both shapes. The addon re-checks cheaply.
//
// Every exported function starts with one checkArgs(op, spec, values) call: a declarative description of
// what each argument must be (type, dtype, rank, which tensors it writes). It turns every wrong type into an
// lth error with a `.code` (never a TypeError from deep inside an op), bounds every shape, and rejects an
// output tensor that shares memory with another argument (ERR_ALIAS) unless the op documents it in-place.
// Relations between arguments (this shape must match that one) stay in the ops, after checkArgs.
import { LthError } from './errors.js';
import { native } from './native.js';
import type { DType, Tensor } from './tensor.js';

/** Largest element count of a tensor (2^40), mirrored from kMaxElements in src/tensor.h. */
export const MAX_ELEMENTS = 2 ** 40;
/** Largest kernel size, stride or padding of a spatial op (int32 range, like the kernels' indices). */
export const MAX_GEOMETRY = 2 ** 31 - 1;

export function shapeStr(s: readonly unknown[]): string {
  return `[${s.map((d) => (typeof d === 'number' ? String(d) : describeValue(d))).join(',')}]`;
}

/** A short description of any value for messages (never throws). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isTensorValue(v)) return `a ${v.dtype} tensor ${shapeStr(v.shape)}`;
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v)})`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

export function isTensorValue(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && v instanceof (native().Tensor as unknown as abstract new () => object);
}

/**
 * Validate a shape given as an array: non-negative safe integers whose product, and the product of the nonzero
 * ones, stays within MAX_ELEMENTS (so no element count can overflow). Returns it typed; ERR_SHAPE otherwise.
 */
export function checkShapeValue(op: string, name: string, v: unknown, rank?: number): number[] {
  if (!Array.isArray(v)) throw new LthError('ERR_SHAPE', `${op}: '${name}' must be an array of dimensions, got ${describeValue(v)}`);
  const dims = v as unknown[];
  if (rank !== undefined && dims.length !== rank) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have rank ${rank}, got ${shapeStr(dims)}`);
  }
  let nonzero = 1;
  for (const [i, d] of dims.entries()) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new LthError('ERR_SHAPE', `${op}: '${name}'[${i}] must be a non-negative integer, got ${describeValue(d)}`);
    }
    if (d === 0) continue;
    if (d > MAX_ELEMENTS / nonzero) {
      throw new LthError('ERR_SHAPE', `${op}: '${name}' ${shapeStr(dims)} holds more than ${MAX_ELEMENTS} elements (2^40)`);
    }
    nonzero *= d;
  }
  return dims as number[];
}

// ---------------------------------------------------------------------------------------------------------
// The declarative argument checker.

type Role = 'in' | 'out';

export interface TensorSpec {
  kind: 'tensor';
  dtype?: DType | readonly DType[];
  rank?: number;
  minRank?: number;
  optional?: boolean;
  /** 'out': the op writes it (outputs, in-place state); it may share memory only with `inPlaceOf`. */
  role?: Role;
  /** Argument names an output may share memory with (the op is documented to work in place). */
  inPlaceOf?: readonly string[];
  /** Check `disposed` here (a native call); false on hot paths, where the addon checks it. Default true. */
  live?: boolean;
}

/** A tensor to write into, or a flag (true/undefined = allocate, false = skip). */
export interface TensorOrFlagSpec extends Omit<TensorSpec, 'kind'> {
  kind: 'tensorOrFlag';
}

export interface TensorListSpec extends Omit<TensorSpec, 'kind'> {
  kind: 'tensors';
  /** Entries may be null/undefined. */
  nullable?: boolean;
}

export type ArgSpec =
  | TensorSpec
  | TensorOrFlagSpec
  | TensorListSpec
  | { kind: 'shape'; rank?: number; optional?: boolean }
  | { kind: 'int'; min: number; max?: number; optional?: boolean }
  | { kind: 'number'; min?: number; max?: number; optional?: boolean }
  | { kind: 'numbers'; min?: number; max?: number }
  | { kind: 'bool'; optional?: boolean }
  | { kind: 'seed' }
  | { kind: 'pair'; min: number; optional?: boolean }
  | { kind: 'oneOf'; values: readonly string[]; optional?: boolean }
  | { kind: 'typedArray'; types: readonly ('f32' | 'u8' | 'i32')[] }
  | { kind: 'csr'; live?: boolean }
  | { kind: 'options'; fields: Record<string, ArgSpec>; optional?: boolean }
  | { kind: 'any' };

type TensorOpts = Omit<TensorSpec, 'kind' | 'dtype'>;

/** Builders for ArgSpec entries, so an op's spec reads like its signature. */
export const arg = {
  tensor: (dtype?: DType | readonly DType[], o: TensorOpts = {}): TensorSpec => ({ kind: 'tensor', dtype, ...o }),
  f32: (o: TensorOpts = {}): TensorSpec => ({ kind: 'tensor', dtype: 'f32', ...o }),
  u8: (o: TensorOpts = {}): TensorSpec => ({ kind: 'tensor', dtype: 'u8', ...o }),
  i32: (o: TensorOpts = {}): TensorSpec => ({ kind: 'tensor', dtype: 'i32', ...o }),
  out: (dtype: DType | readonly DType[], o: TensorOpts = {}): TensorSpec => ({ kind: 'tensor', dtype, optional: true, role: 'out', ...o }),
  grad: (o: TensorOpts = {}): TensorOrFlagSpec => ({ kind: 'tensorOrFlag', dtype: 'f32', role: 'out', ...o }),
  tensors: (dtype: DType, o: Omit<TensorListSpec, 'kind' | 'dtype'> = {}): TensorListSpec => ({ kind: 'tensors', dtype, ...o }),
  shape: (rank?: number, optional?: boolean): ArgSpec => ({ kind: 'shape', rank, optional }),
  int: (min: number, max?: number, optional?: boolean): ArgSpec => ({ kind: 'int', min, max, optional }),
  number: (min?: number, max?: number, optional?: boolean): ArgSpec => ({ kind: 'number', min, max, optional }),
  numbers: (min?: number, max?: number): ArgSpec => ({ kind: 'numbers', min, max }),
  bool: (optional = true): ArgSpec => ({ kind: 'bool', optional }),
  seed: (): ArgSpec => ({ kind: 'seed' }),
  pair: (min: number, optional = true): ArgSpec => ({ kind: 'pair', min, optional }),
  oneOf: (values: readonly string[], optional?: boolean): ArgSpec => ({ kind: 'oneOf', values, optional }),
  typedArray: (...types: ('f32' | 'u8' | 'i32')[]): ArgSpec => ({ kind: 'typedArray', types }),
  csr: (live = true): ArgSpec => ({ kind: 'csr', live }),
  options: (fields: Record<string, ArgSpec>, optional = true): ArgSpec => ({ kind: 'options', fields, optional }),
  any: (): ArgSpec => ({ kind: 'any' }),
};

interface Seen {
  path: string;
  /** Top-level argument name (e.g. 'masks' for masks[2]) and list index, for inPlaceOf matching. */
  base: string;
  index: number | undefined;
  t: Tensor;
  spec: Omit<TensorSpec, 'kind'>;
}

const typedArrayCtor = { f32: Float32Array, u8: Uint8Array, i32: Int32Array } as const;

function fail(code: 'ERR_ARG' | 'ERR_SHAPE' | 'ERR_DTYPE', op: string, path: string, what: string, v: unknown): never {
  throw new LthError(code, `${op}: '${path}' must be ${what}, got ${describeValue(v)}`);
}

function checkTensor(op: string, path: string, v: Tensor, spec: Omit<TensorSpec, 'kind'>): void {
  if (spec.live !== false && v.disposed) throw new LthError('ERR_DISPOSED', `${op}: tensor '${path}' was disposed`);
  const dtypes = spec.dtype === undefined ? undefined : typeof spec.dtype === 'string' ? [spec.dtype] : spec.dtype;
  if (dtypes && !dtypes.includes(v.dtype)) {
    throw new LthError('ERR_DTYPE', `${op}: '${path}' must be ${dtypes.join(' or ')}, got ${v.dtype}`);
  }
  if (spec.rank !== undefined && v.shape.length !== spec.rank) {
    throw new LthError('ERR_SHAPE', `${op}: '${path}' must have rank ${spec.rank}, got shape ${shapeStr(v.shape)}`);
  }
  if (spec.minRank !== undefined && v.shape.length < spec.minRank) {
    throw new LthError('ERR_SHAPE', `${op}: '${path}' must have rank >= ${spec.minRank}, got shape ${shapeStr(v.shape)}`);
  }
}

function walk(op: string, path: string, base: string, index: number | undefined, spec: ArgSpec, v: unknown, seen: Seen[]): void {
  const absent = v === undefined;
  switch (spec.kind) {
    case 'any':
      return;
    case 'tensor':
    case 'tensorOrFlag': {
      if (spec.kind === 'tensorOrFlag' && (absent || typeof v === 'boolean')) return;
      if (spec.optional && (v === undefined || v === null)) return;
      if (!isTensorValue(v)) fail('ERR_ARG', op, path, spec.kind === 'tensorOrFlag' ? 'a Tensor or a boolean' : 'a Tensor', v);
      checkTensor(op, path, v, spec);
      seen.push({ path, base, index, t: v, spec });
      return;
    }
    case 'tensors': {
      if (spec.optional && absent) return;
      if (!Array.isArray(v)) fail('ERR_ARG', op, path, 'an array of Tensors', v);
      const list = v as unknown[];
      list.forEach((e, i) => walk(op, `${path}[${i}]`, base, i, { ...spec, kind: 'tensor', optional: spec.nullable }, e, seen));
      return;
    }
    case 'shape':
      if (spec.optional && absent) return;
      checkShapeValue(op, path, v, spec.rank);
      return;
    case 'int':
      if (spec.optional && absent) return;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.min || v > (spec.max ?? Number.MAX_SAFE_INTEGER)) {
        fail('ERR_ARG', op, path, `an integer in [${spec.min}, ${spec.max ?? Number.MAX_SAFE_INTEGER}]`, v);
      }
      return;
    case 'number':
      if (spec.optional && absent) return;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < (spec.min ?? -Infinity) || v > (spec.max ?? Infinity)) {
        fail('ERR_ARG', op, path, `a finite number in [${spec.min ?? -Infinity}, ${spec.max ?? Infinity}]`, v);
      }
      return;
    case 'numbers':
      if (Array.isArray(v)) (v as unknown[]).forEach((e, i) => walk(op, `${path}[${i}]`, base, i, { ...spec, kind: 'number' }, e, seen));
      else walk(op, path, base, index, { ...spec, kind: 'number' }, v, seen);
      return;
    case 'bool':
      if (spec.optional && absent) return;
      if (typeof v !== 'boolean') fail('ERR_ARG', op, path, 'a boolean', v);
      return;
    case 'seed': {
      const ok = typeof v === 'bigint' ? v >= 0n && v < 1n << 64n : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
      if (!ok) fail('ERR_ARG', op, path, 'an integer in [0, 2^53) or a bigint in [0, 2^64)', v);
      return;
    }
    case 'pair': {
      if (spec.optional && absent) return;
      const hw: unknown[] = typeof v === 'number' ? [v, v] : Array.isArray(v) ? (v as unknown[]) : [];
      const okDim = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && d >= spec.min && d <= MAX_GEOMETRY;
      if (hw.length !== 2 || !hw.every(okDim)) fail('ERR_ARG', op, path, `an integer in [${spec.min}, ${MAX_GEOMETRY}] or a pair of them`, v);
      return;
    }
    case 'oneOf':
      if (spec.optional && absent) return;
      if (typeof v !== 'string' || !spec.values.includes(v)) fail('ERR_ARG', op, path, `one of ${spec.values.map((s) => `'${s}'`).join(', ')}`, v);
      return;
    case 'typedArray':
      if (!spec.types.some((t) => v instanceof typedArrayCtor[t])) {
        fail('ERR_ARG', op, path, spec.types.map((t) => typedArrayCtor[t].name).join(' or '), v);
      }
      return;
    case 'csr': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('ERR_ARG', op, path, 'a CsrMatrix', v);
      const m = v as Record<string, unknown>;
      for (const [k, dt] of [['rowptr', 'i32'], ['colidx', 'i32'], ['values', 'f32']] as const) {
        walk(op, `${path}.${k}`, base, index, { kind: 'tensor', dtype: dt, rank: 1, live: spec.live }, m[k], seen);
      }
      walk(op, `${path}.rows`, base, index, { kind: 'int', min: 0, max: 2 ** 31 - 2 }, m.rows, seen);
      walk(op, `${path}.cols`, base, index, { kind: 'int', min: 0, max: 2 ** 31 - 1 }, m.cols, seen);
      return;
    }
    case 'options': {
      if (spec.optional && absent) return;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('ERR_ARG', op, path, 'an options object', v);
      const o = v as Record<string, unknown>;
      for (const [k, s] of Object.entries(spec.fields)) walk(op, k, k, undefined, s, o[k], seen);
      return;
    }
  }
}

function mayShare(out: Seen, other: Seen): boolean {
  const allowed = (a: Seen, b: Seen): boolean =>
    (a.spec.inPlaceOf ?? []).some((name) => name === b.base && (a.index === undefined || b.index === undefined || a.index === b.index));
  return allowed(out, other) || allowed(other, out);
}

/**
 * Check `values` against `spec` (one entry per argument, in order): types, dtypes, ranks, shapes, scalars, and
 * that no output shares memory with another argument (views included) unless the op allows it in place.
 * Throws an LthError (ERR_ARG, ERR_SHAPE, ERR_DTYPE, ERR_DISPOSED or ERR_ALIAS) naming the op and argument.
 */
export function checkArgs(op: string, spec: Record<string, ArgSpec>, values: readonly unknown[]): void {
  const seen: Seen[] = [];
  Object.entries(spec).forEach(([name, s], i) => walk(op, name, name, undefined, s, values[i], seen));
  for (const [i, a] of seen.entries()) {
    if (a.spec.role !== 'out') continue;
    for (const [j, b] of seen.entries()) {
      if (i === j || a.t.storageId !== b.t.storageId || mayShare(a, b)) continue;
      const how = a.t === b.t ? 'is the same tensor as' : 'shares memory with';
      throw new LthError('ERR_ALIAS', `${op}: output '${a.path}' ${how} '${b.path}'; pass a separate tensor`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Relation checks, used by the ops after checkArgs.

export function expectRank(op: string, name: string, t: Tensor, rank: number): void {
  if (t.shape.length !== rank) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have rank ${rank}, got shape ${shapeStr(t.shape)}`);
  }
}

export function expectShape(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
  }
}

export function expectDType(op: string, name: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new LthError('ERR_DTYPE', `${op}: '${name}' must be ${dtype}, got ${t.dtype}`);
}

export function expectLive(op: string, name: string, t: Tensor): void {
  if (t.disposed) throw new LthError('ERR_DISPOSED', `${op}: tensor '${name}' was disposed`);
}

export function expectSameDevice(op: string, ts: Record<string, Tensor | null | undefined>): void {
  let first: [string, Tensor] | undefined;
  for (const [name, t] of Object.entries(ts)) {
    if (!t) continue;
    if (!first) first = [name, t];
    else if (t.device !== first[1].device) {
      throw new LthError('ERR_DEVICE', `${op}: '${name}' is on ${t.device} but '${first[0]}' is on ${first[1].device}`);
    }
  }
}

export function expectInt(op: string, name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be an integer in [${min}, ${max}], got ${describeValue(v)}`);
  }
}

export function expectNumber(op: string, name: string, v: number, min = -Infinity, max = Infinity): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new LthError('ERR_ARG', `${op}: '${name}' must be a finite number in [${min}, ${max}], got ${describeValue(v)}`);
  }
}
