// A fuzz child: runs calls [from, to) of one seed and writes one JSON line per event to stdout with a
// synchronous write, so the parent still has the line naming a call when that call kills the process.
//   node --import tsx test/fuzz/worker.ts <seed> <from> <to>
import { writeSync } from 'node:fs';
import fc from 'fast-check';
import * as api from '../../lib/index.js';
import { binding } from '../../lib/binding.js';
import { CallGen, generators, methodGenerators, type Call } from './calls.js';

export interface FuzzEvent {
  i: number;
  name: string;
  /** 'start' before the call; then 'ok', 'lth' (an lth error with a code) or 'bad' (anything else thrown). */
  kind: 'start' | 'ok' | 'lth' | 'bad';
  code?: string;
  message?: string;
}

export const fuzzNames = [...Object.keys(generators), ...Object.keys(methodGenerators)].sort();

function emit(e: FuzzEvent): void {
  writeSync(1, `${JSON.stringify(e)}\n`);
}

function run(name: string, c: Call): unknown {
  if (c.method) {
    const proto = binding().Tensor.prototype as object;
    const d = Object.getOwnPropertyDescriptor(proto, c.method)!;
    const f = (d.get ?? d.value) as (...a: unknown[]) => unknown;
    return f.apply(c.self, c.args);
  }
  const f = (api as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
  if (c.construct) return new (f as unknown as new (...a: unknown[]) => unknown)(...c.args);
  return f(...c.args);
}

/** Free what a call returned: tensors, CSR matrices, and tensors inside result objects or arrays. */
function release(v: unknown, depth = 0): void {
  if (depth > 2 || typeof v !== 'object' || v === null) return;
  if (api.isTensor(v)) return v.dispose();
  if (Array.isArray(v)) return v.forEach((x) => release(x, depth + 1));
  if ('rowptr' in v && typeof (v as { dispose?: unknown }).dispose === 'function') return (v as api.CsrMatrix).dispose();
  Object.values(v).forEach((x) => release(x, depth + 1));
}

function main(): void {
  const [seed, from, to] = process.argv.slice(2).map(Number) as [number, number, number];
  for (let i = from; i < to; i++) {
    const name = fuzzNames[i % fuzzNames.length]!;
    const [draw] = fc.sample(fc.gen(), { seed: seed + i, numRuns: 1 });
    const g = new CallGen(draw!);
    emit({ i, name, kind: 'start' });
    try {
      const gen = generators[name] ?? methodGenerators[name]!;
      release(run(name, gen(g)));
      emit({ i, name, kind: 'ok' });
    } catch (e) {
      if (api.isLthError(e)) emit({ i, name, kind: 'lth', code: e.code });
      else emit({ i, name, kind: 'bad', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    } finally {
      g.made.forEach((t) => t.dispose());
    }
  }
}

if (process.argv[1]?.endsWith('worker.ts')) main();
