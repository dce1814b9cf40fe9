// Loads the compiled addon. Each ops/*.ts file declares the exact native signatures it uses.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LthError } from './errors.js';
import type { Device, DType, Tensor } from './tensor.js';

export interface CudaDevice {
  index: number;
  name: string;
  computeCapability: string;
  totalMemory: number;
  multiprocessors: number;
}

export type SimdPath = 'generic' | 'avx2' | 'avx512' | 'neon';

export interface Capabilities {
  /**
   * simd: the SIMD path the CPU kernels run (the widest available, or env LTH_SIMD's choice); simdAvailable: the
   * paths this CPU has; simdNote: why simd differs from LTH_SIMD's request (a path this CPU lacks).
   */
  cpu: { threads: number; simd: SimdPath; simdAvailable: SimdPath[]; simdNote?: string };
  cuda: { compiled: boolean; kernels: boolean; archs: number[]; runtimeVersion: number; devices: CudaDevice[] };
}

/** The functions every build exports (tensor memory and runtime settings). */
export interface NativeCore {
  Tensor: abstract new (...args: never[]) => Tensor;
  empty(shape: readonly number[], dtype: DType, device: Device): Tensor;
  capabilities(): Capabilities;
  setThreads(n: number): void;
  getThreads(): number;
  setKernelVariant(v: 'fast' | 'reference'): void;
  getKernelVariant(): 'fast' | 'reference';
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function candidates(): string[] {
  const fromEnv = process.env.LTH_NATIVE_PATH;
  const pkg = join(here, '..');
  return [
    ...(fromEnv ? [fromEnv] : []),
    join(pkg, 'build', 'Release', 'lth_native.node'),
    join(pkg, 'build', 'Debug', 'lth_native.node'),
  ];
}

let loaded: NativeCore | undefined;

/** The addon, loaded once. Throws a message that says how to build it when it is missing. */
export function native(): NativeCore {
  if (loaded) return loaded;
  const tried = candidates();
  const path = tried.find((p) => existsSync(p));
  if (!path) {
    throw new Error(
      `lth native addon not built (looked in: ${tried.join(', ')}). Run \`npm install\` at the repository root, ` +
        'or `npm run build -w @lth/native-sparse`.',
    );
  }
  const addon = require(path) as NativeCore;
  guardTensorMethods(addon.Tensor);
  loaded = addon;
  return loaded;
}

/**
 * The native Tensor methods throw V8's bare TypeError 'Illegal invocation' when called detached
 * (`const f = t.download; f()`) or on another object. Each is wrapped once so such a call is an ERR_ARG
 * naming the method instead.
 */
function guardTensorMethods(ctor: NativeCore['Tensor']): void {
  const proto = ctor.prototype as Record<string, unknown>;
  const check = (self: unknown, name: string): void => {
    if (typeof self !== 'object' || self === null || !(self instanceof ctor)) {
      throw new LthError('ERR_ARG', `Tensor.${name}: called on ${self === null ? 'null' : typeof self}, not a Tensor (call it as tensor.${name}(...))`);
    }
  };
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name)!;
    if (name === 'constructor') continue;
    if (typeof d.value === 'function') {
      const f = d.value as (...a: unknown[]) => unknown;
      Object.defineProperty(proto, name, {
        ...d,
        value: function guarded(this: unknown, ...a: unknown[]): unknown {
          check(this, name);
          return f.apply(this, a);
        },
      });
    } else if (d.get) {
      const get = d.get as () => unknown;
      Object.defineProperty(proto, name, {
        ...d,
        get(this: unknown): unknown {
          check(this, name);
          return get.call(this);
        },
      });
    }
  }
}

/** Bind the addon as `T`: the ops file that calls this declares the native signatures it relies on. */
export function nativeAs<T>(): NativeCore & T {
  return native() as NativeCore & T;
}
