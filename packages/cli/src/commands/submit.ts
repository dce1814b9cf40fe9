// lth submit [slurm options] <lottery|oneshot|branch> <its arguments…>: the work of a command as Slurm jobs
// (src/slurm/plan.ts), each running that same command for its trial. The store is the shared state: jobs skip
// finished levels, resume checkpoints, and a per-trial lock keeps two jobs off the same trial.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BRANCH_KINDS,
  hparamsHash,
  parseHparams,
  readStoreJson,
  readStoreJsonValue,
  RUN_HPARAMS_HINT,
  runDir as runDirOf,
  runHparamsFile,
  runLevels,
  slurmDir,
  slurmJobsFile,
  SLURM_JOBS_HINT,
  StoreError,
  writeFileAtomic,
  writeJsonAtomic,
} from '@lth/core';
import { Argument, Command, Option } from 'commander';
import { planSweep, type PlannedJob, type Split, type SweepSpec } from '../slurm/plan.js';
import { sbatchScript, arraySpec, type ScriptContext, type SlurmResources } from '../slurm/script.js';
import { branchCommand } from './branch.js';
import type { CommonOptions } from './common.js';
import { lotteryCommand, lotteryHparams, type LotteryFlags } from './lottery.js';

export class SlurmError extends Error {
  readonly code = 'ERR_SLURM';
}

interface SubmitFlags {
  controls?: string;
  split: Split;
  partition?: string;
  gres?: string;
  time?: string;
  account?: string;
  sbatch: string[];
  dryRun?: boolean;
  json?: boolean;
}

export interface SubmittedJob {
  name: string;
  jobId: string;
  trials: number[];
  after: string | null;
  script: string;
  submittedAt: string;
}

/** `<run>/slurm/jobs.json`: the jobs `lth submit` made for a run (ERR_STORE naming it when damaged). */
export function readJobsFile(path: string): SubmittedJob[] {
  const jobs = readStoreJsonValue(path, SLURM_JOBS_HINT);
  if (!Array.isArray(jobs)) throw new StoreError(`not a JSON array; ${SLURM_JOBS_HINT}`, path);
  return jobs as SubmittedJob[];
}

const lthBin = () => resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'lth.js');

/** The command's arguments without --trial (each task adds its own). */
function withoutTrial(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--trial') i++;
    else if (!args[i]!.startsWith('--trial=')) out.push(args[i]!);
  }
  return out;
}

/** Parse the inner command line with the real command's parser (same flags, same errors), without running it. */
async function parseInner<T extends unknown[]>(cmd: Command, args: string[]): Promise<T> {
  let captured: T | null = null;
  cmd.exitOverride().action((...a: unknown[]) => {
    captured = a.slice(0, -1) as T; // commander passes the Command last
  });
  await cmd.parseAsync(args, { from: 'user' });
  if (!captured) throw new SlurmError(`could not parse '${args.join(' ')}'`);
  return captured;
}

/** The run's execution flags its control jobs repeat (a forced --train-path included; auto is their default). */
function controlArgs(o: CommonOptions & { trainPath?: string }): string[] {
  return [
    '--device',
    o.device,
    ...(o.threads ? ['--threads', String(o.threads)] : []),
    ...(o.dataDir ? ['--data-dir', resolve(o.dataDir)] : []),
    ...(o.json ? ['--json'] : []),
    ...(o.quiet ? ['--quiet'] : []),
    ...(o.trainPath && o.trainPath !== 'auto' ? ['--train-path', o.trainPath] : []),
  ];
}

async function sweepSpec(command: string, args: string[], f: SubmitFlags): Promise<SweepSpec> {
  const controls = f.controls
    ? f.controls
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  for (const c of controls) {
    if (!(BRANCH_KINDS as string[]).includes(c))
      throw new SlurmError(`--controls: unknown control '${c}' (expected ${BRANCH_KINDS.join(', ')})`);
  }
  if (command === 'lottery' || command === 'oneshot') {
    const [opts] = await parseInner<[LotteryFlags]>(lotteryCommand(command), args);
    if (opts.batchTrials) throw new SlurmError('--batch-trials trains all trials in one process: submit without it (one job per trial)');
    if (opts.untilLevel !== undefined) throw new SlurmError('--until-level is set per job by `--split level`');
    const h = lotteryHparams(command, opts);
    const all = Array.from({ length: h.lottery.trials }, (_, t) => t);
    return {
      command,
      args: withoutTrial(args),
      runDir: resolve(runDirOf(opts.out, command, hparamsHash(h))),
      trials: opts.trial ? [...new Set(opts.trial)].sort((a, b) => a - b) : all,
      levels: runLevels(h, command === 'oneshot'),
      controls,
      controlArgs: controlArgs(opts),
      split: f.split,
    };
  }
  if (command === 'branch') {
    if (controls.length) throw new SlurmError('--controls goes with lottery/oneshot; `branch <kind>` names its control itself');
    const [kind, run, opts] = await parseInner<[string, string, CommonOptions & { trial?: number[] }]>(branchCommand(), args);
    const meta = runHparamsFile(run);
    if (!existsSync(meta)) throw new SlurmError(`${run} is not a run directory (no hparams.json)`);
    const h = parseHparams(readStoreJson<{ hparams: unknown }>(meta, ['hparams'], RUN_HPARAMS_HINT).hparams);
    const rest = withoutTrial(args);
    rest[rest.indexOf(run)] = resolve(run);
    return {
      command,
      args: rest,
      runDir: resolve(run),
      trials: opts.trial ?? Array.from({ length: h.lottery.trials }, (_, t) => t),
      levels: [],
      controls: [kind],
      controlArgs: [],
      split: 'trial',
    };
  }
  throw new SlurmError(`lth submit runs lottery, oneshot or branch, not '${command}'`);
}

function sbatch(script: string, dependency: string | null): string {
  const args = ['--parsable', ...(dependency ? [`--dependency=aftercorr:${dependency}`] : []), script];
  const r = spawnSync(process.env.LTH_SBATCH ?? 'sbatch', args, { encoding: 'utf8' });
  if (r.error) throw new SlurmError(`cannot run sbatch (${r.error.message}): is Slurm installed here?`);
  if (r.status !== 0) throw new SlurmError(`sbatch ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  const id = r.stdout.trim().split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed '${r.stdout.trim()}', not a job id`);
  return id;
}

export function submitCommand(): Command {
  return new Command('submit')
    .description(
      "run a command's work as Slurm jobs: one array job over the trials (task i trains trial i, levels in order), " +
        'controls as array jobs whose task i starts when trial i is done; every job runs the same `lth` command for its trial, ' +
        'so a job that dies is resubmitted and resumes from its checkpoint',
    )
    .addArgument(new Argument('<command>', 'lottery, oneshot or branch').choices(['lottery', 'oneshot', 'branch']))
    .addArgument(new Argument('[args...]', "the command's own arguments, as you would run it by hand"))
    .addOption(new Option('--controls <list>', `controls to run after the run, comma-separated (${BRANCH_KINDS.join(', ')})`))
    .addOption(
      new Option(
        '--split <how>',
        'trial: one job per trial; level: one job per level and trial, each after the previous level (for long levels)',
      )
        .choices(['trial', 'level'])
        .default('trial'),
    )
    .addOption(new Option('--partition <name>', 'Slurm partition (sbatch --partition)'))
    .addOption(new Option('--gres <spec>', 'generic resources per job, e.g. gpu:1 (then pass --device cuda to the command)'))
    .addOption(new Option('--time <limit>', 'time limit per job, e.g. 12:00:00 (a job past it is killed; resubmit to resume)'))
    .addOption(new Option('--account <name>', 'account to charge (sbatch --account)'))
    .addOption(
      new Option('--sbatch <flag>', 'a further sbatch flag, e.g. --sbatch=--mem=16G (repeatable)')
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([]),
    )
    .addOption(new Option('--dry-run', 'print the sbatch scripts and commands, submit nothing'))
    .addOption(new Option('--json', 'print the submitted jobs as JSON'))
    .passThroughOptions()
    .action(async (command: string, args: string[], f: SubmitFlags) => {
      const spec = await sweepSpec(command, args, f);
      const resources: SlurmResources = {
        ...(f.partition ? { partition: f.partition } : {}),
        ...(f.gres ? { gres: f.gres } : {}),
        ...(f.time ? { time: f.time } : {}),
        ...(f.account ? { account: f.account } : {}),
        extra: f.sbatch,
      };
      if (f.gres?.startsWith('gpu') && !/--device(=|\s+)(cuda|auto)/.test(args.join(' '))) {
        process.stderr.write('lth submit: --gres gpu:… without --device cuda (or auto): the jobs will train on the CPU\n');
      }
      const logDir = slurmDir(spec.runDir);
      const ctx: ScriptContext = {
        prefix: `lth-${basename(spec.runDir).split('_').pop()!.slice(0, 8)}`,
        node: process.execPath,
        lth: lthBin(),
        cwd: process.cwd(),
        logDir,
        resources,
      };
      const jobs = planSweep(spec);
      if (f.dryRun) {
        for (const job of jobs) printDryRun(job, ctx);
        return;
      }
      mkdirSync(logDir, { recursive: true });
      const ids = new Map<string, string>();
      const submitted: SubmittedJob[] = [];
      for (const job of jobs) {
        const script = join(logDir, `${ctx.prefix}-${job.name}.sbatch`);
        writeFileAtomic(script, sbatchScript(job, ctx));
        const jobId = sbatch(script, job.after ? ids.get(job.after)! : null);
        ids.set(job.name, jobId);
        submitted.push({ name: job.name, jobId, trials: job.trials, after: job.after, script, submittedAt: new Date().toISOString() });
      }
      const record = slurmJobsFile(spec.runDir);
      const earlier = existsSync(record) ? readJobsFile(record) : [];
      writeJsonAtomic(record, [...earlier, ...submitted]);
      if (f.json) {
        process.stdout.write(`${JSON.stringify({ runDir: spec.runDir, jobs: submitted }, null, 2)}\n`);
        return;
      }
      for (const s of submitted) {
        process.stdout.write(
          `job ${s.jobId}  ${ctx.prefix}-${s.name}  trials ${arraySpec(s.trials)}${s.after ? `  after ${ids.get(s.after)} (per trial)` : ''}\n`,
        );
      }
      process.stdout.write(`run: ${spec.runDir}\nlogs: ${logDir}\nprogress: lth status ${spec.runDir}\n`);
    });
}

function printDryRun(job: PlannedJob, ctx: ScriptContext): void {
  const dep = job.after ? ` --dependency=aftercorr:<job id of ${ctx.prefix}-${job.after}>` : '';
  process.stdout.write(`# sbatch --parsable${dep} ${join(ctx.logDir, `${ctx.prefix}-${job.name}.sbatch`)}\n${sbatchScript(job, ctx)}\n`);
}
