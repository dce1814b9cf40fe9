// The built `lth` binary and the tiny run the CLI tests share.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const lthBin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'lth.js');

/** A run of seconds: mlp-32 on 1,200 MNIST images (300 held out), 2 levels of 80 iterations, one thread. */
export const tinyFlags: readonly string[] = [
  '--model',
  'mlp-32',
  '--subset',
  '1200',
  '--validation-size',
  '300',
  '--batch-size',
  '30',
  '--steps',
  '80it',
  '--eval-every',
  '20',
  '--levels',
  '2',
  '--threads',
  '1',
];

/** Runs `lth args` in cwd, offline, and returns its exit status and output. */
export function runLth(args: string[], cwd: string) {
  return spawnSync(process.execPath, [lthBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, LTH_OFFLINE: '1' } });
}
