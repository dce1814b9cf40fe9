// One LeNet-300-100 IMP level as the paper runs it (ICLR 2019 preset `lenet`: 50K iterations, batch 60, Adam
// 1.2e-3), timed, for the side-by-side with scripts/gpu/torch_lenet_level.py on the same GPU. Imports core's
// compiled modules directly (not its index, which loads onnxruntime-node: not carried to the GPU machine).
// Usage (repository root, after npm install or the gpu-bundle setup):
//   node scripts/gpu/lenet_level.mjs --device cuda --data DIR [--iterations 50000] [--eval-every 100] [--trials 1]
//     [--resident auto|on|off] [--batch-trials] [--json FILE]
// DIR holds the MNIST gzip files (or a mnist/ folder with them). Prints one line per trial and a summary.
// --batch-trials trains the --trials together (runLottery batchTrials: stacked weights, batched kernels); its
// trials all end together, so only the total time is meaningful then (per-trial lines show the accuracies).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { capabilities } from '@lth/native-sparse';
import { resolveHparams } from '../../packages/core/dist/hparams/presets.js';
import { loadPrepared, runLottery } from '../../packages/core/dist/lottery/runner.js';

const { values: a } = parseArgs({
  options: {
    device: { type: 'string', default: 'cuda' },
    data: { type: 'string' },
    iterations: { type: 'string', default: '50000' },
    'eval-every': { type: 'string', default: '100' },
    trials: { type: 'string', default: '1' },
    json: { type: 'string' },
    resident: { type: 'string', default: 'auto' },
    'batch-trials': { type: 'boolean', default: false },
  },
});
const iterations = Number(a.iterations);
const trials = Number(a.trials);
if (!['cpu', 'cuda'].includes(a.device)) throw new Error(`--device must be cpu or cuda, got ${a.device}`);
if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be an integer >= 1');
if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials must be an integer >= 1');
if (a.device === 'cuda' && capabilities().cuda.devices.length === 0) {
  console.error('lenet_level: no CUDA device visible');
  process.exit(2);
}
const h = resolveHparams('lenet', {
  training: { steps: `${iterations}it`, evalEvery: Number(a['eval-every']) },
  lottery: { levels: 0, trials },
});
const data = await loadPrepared(h, a.data);
const root = mkdtempSync(join(tmpdir(), 'lth-gpu-level-'));
const residentData = a.resident === 'auto' ? undefined : a.resident === 'on';
const batchTrials = a['batch-trials'];
const rows = [];
try {
  let t0 = performance.now();
  let last = t0;
  const r = await runLottery(h, {
    root,
    data,
    device: a.device,
    ...(residentData === undefined ? {} : { residentData }),
    batchTrials,
    onEvent: (e) => {
      if (e.type !== 'level-end') return;
      const now = performance.now();
      const row = { trial: e.trial, seconds: (now - last) / 1000, testAccuracy: e.summary.final.testAccuracy };
      last = now;
      rows.push(row);
      if (batchTrials) console.log(`trial ${row.trial}: test accuracy ${(100 * row.testAccuracy).toFixed(2)}% (batched)`);
      else
        console.log(
          `trial ${row.trial}: ${iterations} iterations in ${row.seconds.toFixed(2)} s (${(iterations / row.seconds).toFixed(0)} it/s), test accuracy ${(100 * row.testAccuracy).toFixed(2)}%`,
        );
    },
  });
  if (!r.complete) throw new Error('the run did not complete');
  const total = (performance.now() - t0) / 1000;
  const out = {
    impl: 'lth',
    device: a.device,
    iterations,
    batch: h.dataset.batchSize,
    trials,
    batchTrials,
    totalSeconds: total,
    trialsRun: rows,
    caps: capabilities(),
  };
  console.log(
    `lth ${a.device}: ${trials} trial(s)${batchTrials ? ' batched' : ''} × 1 level of ${iterations} iterations in ${total.toFixed(2)} s (incl. validation + test evaluation every ${a['eval-every']} iterations, as torch_lenet_level.py)`,
  );
  if (a.json) writeFileSync(a.json, `${JSON.stringify(out, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
