// The op contract (src/kernel_decls.inc) is what every device implements. This checks that each declared op
// is dispatched by a binding (so it reaches JS on every compiled device through LTH_DISPATCH) and that the
// loaded addon exports a function for each binding entry point.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { native } from '../lib/native.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const declared = [...readFileSync(join(src, 'kernel_decls.inc'), 'utf8').matchAll(/^[A-Za-z][\w:<>]*\s+(\w+)\(/gm)].map((m) => m[1]!);
const bindings = readdirSync(join(src, 'binding')).filter((f) => f.endsWith('.cpp')).map((f) => readFileSync(join(src, 'binding', f), 'utf8')).join('\n');
const dispatched = new Set([...bindings.matchAll(/LTH_DISPATCH\([^,]+,\s*(\w+)/g)].map((m) => m[1]!));
const exported = [...bindings.matchAll(/export_fn\(env, exports, "(\w+)"/g)].map((m) => m[1]!);

describe('op contract', () => {
  it('declares the ops of DESIGN.md §3', () => {
    expect(declared.length).toBeGreaterThanOrEqual(30);
    for (const op of ['gemm', 'masked_dense_forward', 'conv2d_backward_filter', 'batchnorm_forward_train', 'adam_step', 'magnitude_prune', 'shuffle_mask', 'csr_spmm']) {
      expect(declared).toContain(op);
    }
  });

  it('every declared op is dispatched by a binding (CPU, CPU reference and CUDA paths)', () => {
    expect(declared.filter((op) => !dispatched.has(op))).toEqual([]);
    expect([...dispatched].filter((op) => !declared.includes(op))).toEqual([]);
  });

  it('the addon exports every binding entry point as a function', () => {
    const addon = native() as unknown as Record<string, unknown>;
    expect(exported.length).toBeGreaterThanOrEqual(declared.length);
    expect(exported.filter((name) => typeof addon[name] !== 'function')).toEqual([]);
  });
});
