// lth export <run-dir> --level K: the ticket as ONNX, optionally verified in onnxruntime-node.
import { writeFileSync } from 'node:fs';
import { exportLevel, imageDataset, INPUT_FORMATS, loadDataset, readOnnxSignature, verifyOnnx, type InputFormat } from '@lth/core';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';

const nonNegative = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${v}'`);
  return n;
};

export function exportCommand(): Command {
  return new Command('export')
    .description("write a level's ticket as ONNX (opset 17; pruned weights are exact zeros) and check it in onnxruntime-node")
    .addArgument(new Argument('<run-dir>', 'a run directory written by `lth lottery`'))
    .addOption(new Option('--level <k>', 'pruning level to export').argParser(nonNegative).makeOptionMandatory())
    .addOption(new Option('--trial <t>', 'trial').argParser(nonNegative).default(0))
    .addOption(
      new Option('--weights <which>', 'trained weights, or the ticket at initialisation').choices(['final', 'init']).default('final'),
    )
    .addOption(new Option('--sparse', 'store pruned weights as ONNX sparse initializers (onnxruntime densifies them at load)'))
    .addOption(
      new Option('--fold-bn', 'fold each batch norm into the convolution before it (inference form; pruned weights stay exact zeros)'),
    )
    .addOption(
      new Option(
        '--input <format>',
        "model input: 'pixels' = raw uint8 pixels 0..255, NCHW, normalised inside the graph exactly as training did; 'normalized' = float32 already normalised by the caller (the old format)",
      )
        .choices(INPUT_FORMATS)
        .default('pixels'),
    )
    .addOption(new Option('-o, --output <file>', 'output file').default('ticket.onnx'))
    .addOption(
      new Option(
        '--verify',
        'run the whole test set through the written file in onnxruntime-node (raw pixels for --input pixels) and compare with the native forward',
      ),
    )
    .addOption(new Option('--data-dir <dir>', 'data directory for --verify'))
    .action(
      async (
        run: string,
        opts: {
          level: number;
          trial: number;
          weights: 'final' | 'init';
          sparse?: boolean;
          foldBn?: boolean;
          input: InputFormat;
          output: string;
          verify?: boolean;
          dataDir?: string;
        },
      ) => {
        const r = exportLevel(run, {
          level: opts.level,
          trial: opts.trial,
          weights: opts.weights,
          sparse: opts.sparse ?? false,
          foldBatchNorm: opts.foldBn ?? false,
          input: opts.input,
        });
        try {
          writeFileSync(opts.output, r.bytes);
          const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
          process.stdout.write(
            `wrote ${opts.output}: ${r.nodes} nodes, ${kb(r.sizes.bytes)} (${kb(r.sizes.gzipBytes)} gzipped)${opts.sparse ? ', sparse initializers' : ''}${opts.foldBn ? ', batch norm folded' : ''}\n`,
          );
          const sig = readOnnxSignature(r.bytes);
          process.stdout.write(`${sig.input.docString}\n${sig.output.docString}\n`);
          const f = r.formats;
          process.stdout.write(
            `sizes: dense initializers ${kb(f.dense.bytes)} (${kb(f.dense.gzipBytes)} gzipped), sparse initializers ${kb(f.sparse.bytes)} (${kb(f.sparse.gzipBytes)} gzipped)\n`,
          );
          if (opts.verify) {
            const data = await loadDataset(imageDataset(r.h), opts.dataDir ? { dataDir: opts.dataDir } : {});
            const v = await verifyOnnx(r.bytes, r.model, data.test);
            const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
            process.stdout.write(
              `verify on ${v.examples} test examples: max |Δlogit| = ${v.relMaxDiff.toExponential(2)} × max |logit|, ` +
                `predictions agree on ${pct(v.agreement)}, accuracy native ${pct(v.accuracy.native)} / onnxruntime ${pct(v.accuracy.onnx)}\n`,
            );
            if (!(v.relMaxDiff <= 1e-4 && v.agreement >= 0.9999)) {
              process.stderr.write('lth: verification FAILED (needs max |Δ| ≤ 1e-4 · max |logit| and ≥ 99.99% identical predictions)\n');
              process.exitCode = 1;
            }
          }
        } finally {
          r.model.dispose();
        }
      },
    );
}
