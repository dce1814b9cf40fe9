// lth reproduce lenet-oneshot: the paper's one-shot curve for LeNet-300-100 (ICLR 2019 v5, Section 2, "One-shot
// pruning"): for each target density of the iterative experiment's levels, train the dense network, prune it once to
// that density, reset the survivors to their initialisation and retrain — one run per density. Printed beside the
// IMP run of the same budget when the store has it (`lth reproduce lenet`), and the paper's one-shot claims.
import { existsSync } from 'node:fs';
import { hparamsHash, loadPrepared, runDir, runHparamsFile } from '@lth/core';
import { collectRun, type LevelPoint, type RunReport } from '../report/collect.js';
import { textTable } from '../table.js';
import { estimateImp, estimateLine, pct2 as pct, runImp, runTargets, type ImpRunPlan } from './imp.js';
import { announceImp, type LenetOptions } from './lenet.js';
import { PUBLISHED_LENET_ONESHOT } from './published.js';

export interface LenetOneShotResult {
  report: RunReport;
  /** The IMP run of the same hyperparameters, when the store has one (else null). */
  imp: RunReport | null;
  text: string;
}

/**
 * The pruned densities (as % of weights) where `holds`, of n: a range "a% … b%" when they are consecutive levels,
 * else each listed.
 */
function densitiesWhere(points: LevelPoint[], holds: (p: LevelPoint, dense: LevelPoint) => boolean): string {
  const pruned = points.filter((p) => p.level > 0);
  const ok = pruned.filter((p) => holds(p, points[0]!));
  if (!ok.length) return 'none';
  const first = pruned.indexOf(ok[0]!);
  const consecutive = ok.every((p, i) => pruned[first + i] === p);
  const list =
    consecutive && ok.length > 2
      ? `${ok[0]!.percent.toFixed(1)}% … ${ok[ok.length - 1]!.percent.toFixed(1)}%`
      : ok.map((p) => `${p.percent.toFixed(1)}%`).join(', ');
  return `${list} (${ok.length} of ${pruned.length} densities)`;
}

export async function reproduceLenetOneShot(o: Omit<LenetOptions, 'experiment'>): Promise<LenetOneShotResult> {
  const h = announceImp(o, ', one-shot pruning');
  const plan: ImpRunPlan = { label: 'one-shot', h, oneShot: true, controls: [] };
  const targets = runTargets(plan);
  o.io.say(
    `one separate one-shot run per target density of the ${h.lottery.levels} IMP levels (${targets.length} runs: prune once from the dense network to level k's density, reset, retrain); the runs share the dense training, level_0`,
  );
  const data = await loadPrepared(h, o.dataDir);
  o.io.say(estimateLine(estimateImp([plan], data), h.dataset.batchSize));
  const report = await runImp(plan, data, o.out, o.io, o.exec);
  const impDir = runDir(o.out, 'lottery', hparamsHash(h));
  const imp = existsSync(runHparamsFile(impDir)) ? collectRun(impDir) : null;
  const oneShot = report.series[0]!.points;
  const impPoints = imp?.series[0]?.points ?? [];
  const rows = oneShot.map((p) => {
    const i = impPoints.find((x) => x.level === p.level);
    return [
      p.percent.toFixed(1),
      pct(p.earlyStopAccuracy.mean),
      String(Math.round(p.earlyStopIteration.mean)),
      pct(p.finalAccuracy.mean),
      i ? pct(i.earlyStopAccuracy.mean) : '-',
    ];
  });
  const last = oneShot[oneShot.length - 1]!;
  const impLast = impPoints.find((x) => x.level === last.level);
  const C = PUBLISHED_LENET_ONESHOT.claims;
  const claims = [
    [
      'one-shot tickets ≥ dense accuracy at',
      `${C.findsTickets} (Figure 4c; its ranges not recorded)`,
      densitiesWhere(oneShot, (p, d) => p.earlyStopAccuracy.mean >= d.earlyStopAccuracy.mean),
    ],
    [
      'one-shot tickets stop earlier than dense at',
      'not recorded (Figure 4c)',
      densitiesWhere(oneShot, (p, d) => p.earlyStopIteration.mean < d.earlyStopIteration.mean),
    ],
    [
      'iterative vs one-shot at the smallest size',
      C.iterativeBetterWhenSmall,
      impLast
        ? `IMP ${pct(impLast.earlyStopAccuracy.mean)}% vs one-shot ${pct(last.earlyStopAccuracy.mean)}% at ${last.percent.toFixed(1)}%`
        : `no IMP run of this budget in ${o.out} (lth reproduce lenet with the same flags makes it)`,
    ],
  ];
  const text = [
    `runs: ${report.dir} (level_k = the one-shot run to level k's density)`,
    ...(imp ? [`IMP run of the same budget: ${imp.dir}`] : []),
    '',
    textTable(['% weights', 'one-shot acc @ early stop %', 'early-stop it', 'final acc %', 'IMP acc @ early stop %'], rows),
    '',
    textTable(['claim', `published (${PUBLISHED_LENET_ONESHOT.source.version})`, 'ours'], claims, 3),
  ].join('\n');
  return { report, imp, text };
}
