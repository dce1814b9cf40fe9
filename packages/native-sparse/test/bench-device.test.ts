// `--device` for the benchmarks: parsing, the availability rule, and the exit code 2 of an entry point asked for a
// device it cannot use (checked by running the kernel bench where this build or machine has no CUDA).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../lib/index.js';
import { deviceUnavailable, parseDeviceArg } from '../bench/device.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
// tsx resolved from here: the child runs in a temporary directory (its results folder must not land in the repo).
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const caps = capabilities();
const cudaUsable = caps.cuda.compiled && caps.cuda.kernels && caps.cuda.devices.length > 0;

describe('bench --device', () => {
  it('parses --device cpu|cuda (both spellings), defaults to cpu, refuses anything else', () => {
    expect(parseDeviceArg([])).toBe('cpu');
    expect(parseDeviceArg(['--quick', '--device', 'cuda'])).toBe('cuda');
    expect(parseDeviceArg(['--device=cpu'])).toBe('cpu');
    expect(() => parseDeviceArg(['--device', 'gpu'])).toThrow(/--device must be cpu or cuda, got 'gpu'/);
    expect(() => parseDeviceArg(['--device'])).toThrow(/got ''/);
  });

  it('cpu is always available; cuda exactly when the build has CUDA kernels and a device', () => {
    expect(deviceUnavailable('cpu')).toBeNull();
    expect(deviceUnavailable('cuda') === null).toBe(cudaUsable);
  });

  it.runIf(!cudaUsable)('the kernel bench with --device cuda exits 2 with one line naming the reason (no CUDA here)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lth-bench-device-'));
    const r = spawnSync(process.execPath, ['--import', tsx, join(pkg, 'bench', 'kernels.ts'), '--quick', '--device', 'cuda'], {
      cwd,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kernel bench: --device cuda cannot run here: /);
    expect(r.stdout).toBe('');
  });
});
