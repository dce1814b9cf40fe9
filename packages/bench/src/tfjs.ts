// @tensorflow/tfjs on its wasm backend (the JS baseline); tfjs-node / tfjs-node-gpu are used instead when
// installed (they cannot install offline here: they download libtensorflow).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** tfjs-node(-gpu) when installed, else the given browser backend ('wasm' by default; 'cpu' is pure JS). */
export async function tfjsBackend(fallback: 'wasm' | 'cpu' = 'wasm'): Promise<{ tf: typeof tf; backend: string }> {
  for (const native of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const mod = (await import(native)) as typeof tf;
      return { tf: mod, backend: native };
    } catch {
      // not installed: fall through
    }
  }
  if (fallback === 'wasm') setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  if (!(await tf.setBackend(fallback))) throw new Error(`tfjs ${fallback} backend failed to initialise`);
  return { tf, backend: `tfjs-${fallback}` };
}
