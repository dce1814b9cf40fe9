// The op contract (src/kernel_decls.inc) is what every device implements. This checks that each declared op
// is dispatched by a binding (so it reaches JS on every compiled device through LTH_DISPATCH) and that the
// loaded addon exports a function for each binding entry point; every op is defined for CUDA too (the build
// links CUDA kernels only when all of them exist, so this also says why a build would fail to link).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../lib/index.js';
import { binding } from '../lib/binding.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const declared = [...readFileSync(join(src, 'kernel_decls.inc'), 'utf8').matchAll(/^[A-Za-z][\w:<>]*\s+(\w+)\(/gm)].map((m) => m[1]!);
const bindings = readdirSync(join(src, 'binding'))
  .filter((f) => f.endsWith('.cpp'))
  .map((f) => readFileSync(join(src, 'binding', f), 'utf8'))
  .join('\n');
const dispatched = new Set([...bindings.matchAll(/LTH_DISPATCH\([^,]+,\s*(\w+)/g)].map((m) => m[1]!));
const exported = [...bindings.matchAll(/export_fn\(env, exports, "(\w+)"/g)].map((m) => m[1]!);
// Ops defined at namespace scope in the CUDA sources (a definition starts a line with its return type).
const cudaSources = readdirSync(join(src, 'cuda'))
  .filter((f) => f.endsWith('.cu'))
  .map((f) => readFileSync(join(src, 'cuda', f), 'utf8'))
  .join('\n');
const cudaDefined = new Set([...cudaSources.matchAll(/^(?:void|int64_t|CeResult)\s+(\w+)\(/gm)].map((m) => m[1]!));

describe('op contract', () => {
  it('declares the ops of docs/design.md §3', () => {
    expect(declared.length).toBeGreaterThanOrEqual(30);
    for (const op of [
      'gemm',
      'masked_dense_forward',
      'conv2d_backward_filter',
      'batchnorm_forward_train',
      'adam_step',
      'magnitude_prune',
      'shuffle_mask',
      'csr_spmm',
    ]) {
      expect(declared).toContain(op);
    }
  });

  it('every declared op is dispatched by a binding (CPU, CPU reference and CUDA paths)', () => {
    expect(declared.filter((op) => !dispatched.has(op))).toEqual([]);
    expect([...dispatched].filter((op) => !declared.includes(op))).toEqual([]);
  });

  it('every declared op has a CUDA definition (CPU and CUDA stay in step)', () => {
    expect(declared.filter((op) => !cudaDefined.has(op))).toEqual([]);
  });

  it('a build with CUDA compiled carries the CUDA kernels', () => {
    const caps = capabilities();
    expect(caps.cuda.kernels).toBe(caps.cuda.compiled);
  });

  it('the addon exports every binding entry point as a function', () => {
    const addon = binding() as unknown as Record<string, unknown>;
    expect(exported.length).toBeGreaterThanOrEqual(declared.length);
    expect(exported.filter((name) => typeof addon[name] !== 'function')).toEqual([]);
  });
});
