// Which Slurm jobs a sweep is: each job an array over the trials (task i = trial i) running the same `lth`
// command a user would run by hand, restricted to its trial with --trial $SLURM_ARRAY_TASK_ID. A dependency is
// `aftercorr` — Slurm's per-task afterok for arrays: task i waits for task i of the job it depends on, so the
// controls of trial i start as soon as trial i's run is done, whatever the other trials are doing.
//   split 'trial': one array "run" (each task trains all levels of its trial in order), and one array per
//                  control depending on it (each task trains the control's levels of its trial).
//   split 'level': one array per level k (--until-level k), each depending on level k-1; one array per
//                  control and level, depending on the run's level k (--levels k): for levels of hours.
export type Split = 'trial' | 'level';

export interface PlannedJob {
  /** Unique within the sweep: run, run-level3, reinit, reinit-level3. */
  name: string;
  /** Array task ids = trial numbers. */
  trials: number[];
  /** The `lth` arguments; '$SLURM_ARRAY_TASK_ID' stands for the task's trial. */
  args: string[];
  /** Name of the job whose corresponding tasks must succeed first, or null. */
  after: string | null;
}

export interface SweepSpec {
  /** 'lottery' | 'oneshot' (a run and its controls), or 'branch' (controls of an existing run). */
  command: 'lottery' | 'oneshot' | 'branch';
  /** The command's own arguments, --trial removed (the plan adds it per task). */
  args: string[];
  runDir: string;
  trials: number[];
  /** The run's levels, in the order they train (lottery 0..L, oneshot 0 and L). */
  levels: number[];
  controls: string[];
  /** Options every control job gets (device, threads, data dir, output mode), as arguments. */
  controlArgs: string[];
  split: Split;
}

export const TASK_TRIAL = '$SLURM_ARRAY_TASK_ID';

export function planSweep(s: SweepSpec): PlannedJob[] {
  const trial = ['--trial', TASK_TRIAL];
  if (s.command === 'branch')
    return [{ name: s.controls[0] ?? 'branch', trials: s.trials, args: ['branch', ...s.args, ...trial], after: null }];
  const control = (kind: string, extra: string[]) => ['branch', kind, s.runDir, ...s.controlArgs, ...extra, ...trial];
  if (s.split === 'trial') {
    return [
      { name: 'run', trials: s.trials, args: [s.command, ...s.args, ...trial], after: null },
      ...s.controls.map((kind) => ({ name: kind, trials: s.trials, args: control(kind, []), after: 'run' })),
    ];
  }
  const jobs: PlannedJob[] = [];
  let prev: string | null = null;
  for (const level of s.levels) {
    const name = `run-level${level}`;
    jobs.push({ name, trials: s.trials, args: [s.command, ...s.args, '--until-level', String(level), ...trial], after: prev });
    prev = name;
    if (level === 0) continue; // controls reuse pruned masks: none at the dense level
    for (const kind of s.controls)
      jobs.push({ name: `${kind}-level${level}`, trials: s.trials, args: control(kind, ['--levels', String(level)]), after: name });
  }
  return jobs;
}
