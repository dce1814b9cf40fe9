// Progress output for long runs: a live bar on a terminal, JSON lines with --json, nothing with --quiet.
import { SingleBar, Presets } from 'cli-progress';
import type { LotteryEvent } from '@lth/core';

export type OutputMode = 'bar' | 'json' | 'quiet';

export function outputMode(opts: { json?: boolean; quiet?: boolean }): OutputMode {
  if (opts.json) return 'json';
  if (opts.quiet) return 'quiet';
  return 'bar';
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function lotteryReporter(mode: OutputMode, label = 'lottery'): (e: LotteryEvent) => void {
  if (mode === 'json') return (e) => process.stdout.write(`${JSON.stringify(e)}\n`);
  if (mode === 'quiet') return () => {};
  const tty = process.stderr.isTTY;
  let bar: SingleBar | null = null;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  return (e) => {
    switch (e.type) {
      case 'run':
        log(`${label}: ${e.dir}${e.resumed ? ' (resuming)' : ''}`);
        break;
      case 'level-skip':
        log(
          `trial ${e.trial} level ${e.level}: done already (${pct(e.summary.density.density)} weights, test acc ${pct(e.summary.final.testAccuracy)})`,
        );
        break;
      case 'level-start':
        bar?.stop(); // batched trials start every trial's level at once: one bar, for the batch
        log(
          `trial ${e.trial} level ${e.level}: ${pct(e.density)} of weights left${e.resumeFrom > 0 ? `, resuming at iteration ${e.resumeFrom}` : ''}`,
        );
        if (e.trainPaths?.length) log(`  ${e.trainPaths.map((p) => `${p.layer} ${p.path} (${p.reason})`).join(', ')}`);
        if (e.discardedCheckpoint) log(`  its checkpoint was not resumed: ${e.discardedCheckpoint}; the level restarts from its beginning`);
        if (tty) {
          bar = new SingleBar(
            {
              format: '  {bar} {value}/{total} it | {speed} ex/s | val {val} | test {test} | ETA {eta_formatted}',
              hideCursor: true,
              clearOnComplete: true,
            },
            Presets.shades_classic,
          );
          bar.start(1, e.resumeFrom, { speed: '-', val: '-', test: '-' });
        }
        break;
      case 'progress':
        if (bar) {
          bar.setTotal(e.progress.total);
          bar.update(e.progress.iteration, {
            speed: Math.round(e.progress.examplesPerSecond),
            val: e.progress.lastEval ? pct(e.progress.lastEval.valAccuracy) : '-',
            test: e.progress.lastEval ? pct(e.progress.lastEval.testAccuracy) : '-',
          });
        }
        break;
      case 'level-end': {
        bar?.stop();
        bar = null;
        const s = e.summary;
        const es = s.earlyStop
          ? `early stop at ${s.earlyStop.iteration} (test acc ${pct(s.earlyStop.testAccuracy)})`
          : 'no early-stop point';
        log(`  → test acc ${pct(s.final.testAccuracy)} at the end, ${es}`);
        break;
      }
      case 'stopped':
        bar?.stop();
        bar = null;
        log(
          e.checkpointed === false
            ? `stopped at trial ${e.trial} level ${e.level} iteration ${e.iteration}, before training anything to checkpoint — run the same command to resume`
            : `stopped at trial ${e.trial} level ${e.level} iteration ${e.iteration}; checkpoint written — run the same command to resume`,
        );
        break;
      default:
        break;
    }
  };
}
