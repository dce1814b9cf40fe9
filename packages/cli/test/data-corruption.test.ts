// Damaged dataset files through the real `lth` binary (the reader cases themselves are table-driven in
// packages/core/test/data-corruption.test.ts): one `lth: <file>: …` line plus the ERR_DATA hint, exit 1, no
// stack trace; the same files undamaged load.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cifarBatch, mnistLikeFiles, writeFiles } from '../../core/test/support/data-files.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'lth.js');
const tmp = mkdtempSync(join(tmpdir(), 'lth-data-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { ...process.env, LTH_OFFLINE: '1', LTH_CACHE_DIR: join(tmp, 'empty-cache') };
delete env.LTH_DATA_DIR;
const lth = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8', env });

function expectOneLine(r: ReturnType<typeof lth>, startsWith: string, says: RegExp): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]!.startsWith(`lth: ${startsWith}: `), lines[0]).toBe(true);
  expect(lines[0]).toMatch(says);
  expect(lines[0]).toMatch(/\[ERR_DATA\]$/);
  expect(lines[1]).toMatch(/^hint: a dataset file is damaged/);
  expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
}

describe('damaged dataset files through lth', () => {
  it('a truncated MNIST labels file: `lth lottery --data-dir` names it; the undamaged copy verifies', () => {
    const good = join(tmp, 'mnist-good');
    const bad = join(tmp, 'mnist-bad');
    const files = mnistLikeFiles(40, 20);
    writeFiles(good, files);
    writeFiles(bad, { ...files, 't10k-labels-idx1-ubyte': files['t10k-labels-idx1-ubyte']!.subarray(0, 8 + 15) });
    const ok = lth(['data', 'verify', 'mnist', '--data-dir', good]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/mnist: OK — 40 training, 20 test examples of shape \[1,28,28\]/);
    const r = lth([
      'lottery',
      '--model',
      'mlp-32',
      '--validation-size',
      '10',
      '--steps',
      '2it',
      '--levels',
      '1',
      '--quiet',
      '--data-dir',
      bad,
      '--out',
      join(tmp, 'runs'),
    ]);
    expectOneLine(
      r,
      join(bad, 't10k-labels-idx1-ubyte'),
      /IDX dims \[20\] need 20 data bytes but the file has 15 \(truncated download\?\)/,
    );
  });

  it('a missing CIFAR-10 batch: `lth data verify cifar10` names the file and the directory', () => {
    const batches = join(tmp, 'cifar', 'cifar-10-batches-bin');
    mkdirSync(batches, { recursive: true });
    writeFileSync(join(tmp, 'batch.bin'), cifarBatch(10000));
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_5.bin', 'test_batch.bin'])
      symlinkSync(join(tmp, 'batch.bin'), join(batches, f));
    const r = lth(['data', 'verify', 'cifar10', '--data-dir', join(tmp, 'cifar')]);
    expectOneLine(r, batches, /incomplete data set: data_batch_4\.bin missing beside/);
  });
});
