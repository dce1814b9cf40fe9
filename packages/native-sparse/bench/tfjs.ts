// The tfjs baseline for the kernel and end-to-end benchmarks: @tensorflow/tfjs-node-gpu or -node when one is
// importable (they download libtensorflow at install, so not offline here), else @tensorflow/tfjs on its wasm
// backend (XNNPACK, SIMD; one thread in Node) with two kernels of ours: Conv2DBackpropFilter, which it lacks, and
// MaxPoolGrad, whose wasm version is wrong for 4+ channels (see tfjs-maxpool-grad.ts).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmConv2DBackpropFilter } from './tfjs-conv-filter.js';
import { registerWasmMaxPoolGrad } from './tfjs-maxpool-grad.js';

export type Tfjs = typeof tf;

export interface TfjsBaseline {
  tf: Tfjs;
  /** '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'tfjs-wasm' or 'tfjs-cpu'. */
  backend: string;
  /** A GPU backend computes asynchronously: read a result back to time an op to completion. */
  async: boolean;
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, Promise<TfjsBaseline>>();

/** Keep messages from tfjs (whose wasm glue is one minified line) to one short line. */
export function shortError(e: unknown, max = 300): string {
  const m = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  return m.length > max ? `${m.slice(0, max)}…` : m;
}

async function load(fallback: 'wasm' | 'cpu', preferGpu: boolean): Promise<TfjsBaseline> {
  const natives = preferGpu
    ? ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']
    : ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
  for (const name of natives) {
    try {
      const mod = (await import(name)) as Tfjs;
      return { tf: mod, backend: name, async: name.endsWith('-gpu') };
    } catch (e) {
      const code = (e as { code?: string }).code;
      // Not installed: the expected case offline. Installed but broken (no libtensorflow): say so, briefly.
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND')
        console.warn(`tfjs: ${name} failed to load (${shortError(e)}); trying the next backend`);
    }
  }
  if (fallback === 'wasm') {
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    registerWasmConv2DBackpropFilter(tf);
    registerWasmMaxPoolGrad(tf);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(fallback);
  } catch (e) {
    throw new Error(`tfjs ${fallback} backend failed to initialise: ${shortError(e)}`, { cause: e });
  }
  if (!ok) throw new Error(`tfjs ${fallback} backend failed to initialise`);
  return { tf, backend: `tfjs-${fallback}`, async: false };
}

/**
 * The tfjs baseline, loaded once per process: tfjs-node(-gpu) when importable (the GPU build first when the
 * benchmark runs on CUDA), else the given browser backend ('wasm' by default; 'cpu' is pure JS).
 */
export function loadTfjs(opts: { fallback?: 'wasm' | 'cpu'; preferGpu?: boolean } = {}): Promise<TfjsBaseline> {
  const fallback = opts.fallback ?? 'wasm';
  const preferGpu = opts.preferGpu ?? false;
  const key = `${fallback}/${preferGpu}`;
  let p = loaded.get(key);
  if (!p) loaded.set(key, (p = load(fallback, preferGpu)));
  return p;
}
