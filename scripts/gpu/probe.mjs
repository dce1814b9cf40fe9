// Can this addon run CUDA here? Loads @lth/native-sparse (LTH_NATIVE_PATH picks the binary), writes
// capabilities() to FILE, and where a CUDA device is visible runs one masked dense forward on it against the
// CPU (a missing kernel image for this GPU's arch, or a driver too old for the runtime, fails here, not later).
// Usage: node scripts/gpu/probe.mjs FILE
// Exit codes: 0 CUDA usable; 3 the addon loads but has no CUDA backend or sees no device (the reason on
// stderr); 4 a device is visible but a kernel failed or gave a wrong result; 1 the addon does not load.
import { writeFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/gpu/probe.mjs FILE');
  process.exit(2);
}
let ns;
try {
  ns = await import('@lth/native-sparse');
  ns.capabilities();
} catch (e) {
  console.error(`probe: the addon does not load: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
const caps = ns.capabilities();
writeFileSync(file, `${JSON.stringify({ addon: process.env.LTH_NATIVE_PATH ?? 'default', ...caps }, null, 2)}\n`);
const reason = !caps.cuda.compiled
  ? 'CUDA backend not compiled in this addon'
  : !caps.cuda.kernels
    ? 'this addon has no CUDA kernels'
    : caps.cuda.devices.length === 0
      ? 'no CUDA device visible to the addon (no GPU, or a driver older than its runtime)'
      : null;
if (reason) {
  console.error(`probe: ${reason}`);
  process.exit(3);
}
try {
  const [B, In, Out] = [7, 33, 5];
  const x = Float32Array.from({ length: B * In }, (_, i) => Math.sin(i));
  const w = Float32Array.from({ length: Out * In }, (_, i) => Math.cos(i));
  const m = Uint8Array.from({ length: Out * In }, (_, i) => i % 3 !== 0);
  const run = (device) => {
    const t = [ns.fromArray(x, [B, In], { device }), ns.fromArray(w, [Out, In], { device }), ns.fromArray(m, [Out, In], { device })];
    const y = ns.maskedDenseForward(t[0], t[1], { mask: t[2], relu: true });
    const out = y.download();
    for (const u of [...t, y]) u.dispose();
    return out;
  };
  const [got, want] = [run('cuda'), run('cpu')];
  const bad = got.findIndex((v, i) => !(Math.abs(v - want[i]) <= 1e-4 * (1 + Math.abs(want[i]))));
  if (bad >= 0) throw new Error(`masked dense forward on cuda gave ${got[bad]} at ${bad}, the CPU ${want[bad]}`);
} catch (e) {
  console.error(`probe: a CUDA device is visible but a kernel failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(4);
}
const d = caps.cuda.devices[0];
console.log(`probe: CUDA usable: ${d.name} (cc ${d.computeCapability}), addon archs ${caps.cuda.archs.join(',')}`);
