// A ticket as an ONNX model (opset 17): the network's layers become Gemm / Conv / Relu / MaxPool /
// AveragePool / GlobalAveragePool / BatchNormalization / Add / Flatten nodes; pruned weights are exact zeros
// in dense initializers (or, on request, sparse initializers); metadata records density per layer, run hash,
// preset and level. The input is raw pixels normalised inside the graph (input.ts); labels and preprocessing
// are in the metadata and doc strings. Written with the ONNX schema through protobufjs (onnx-proto), never by hand.
import { gzipSync } from 'node:zlib';
import type { DatasetName } from '../data/registry.js';
import {
  BasicBlock,
  BatchNorm,
  Conv2d,
  Dense,
  Dropout,
  Flatten,
  GlobalAvgPool,
  MaxPool,
  AvgPool,
  ReLU,
  Sequence,
  type Layer,
} from '../models/layers.js';
import { LayeredModel } from '../models/convnets.js';
import type { Model } from '../models/types.js';
import { OnnxExportError } from './errors.js';
import { float, GraphBuilder, int, ints } from './graph.js';
import {
  describeInput,
  describeOutput,
  emitPreprocessing,
  inputContract,
  inputMetadata,
  inputValueInfo,
  OUTPUT_NAME,
  type InputFormat,
} from './input.js';
import { onnx } from './proto.js';

export const OPSET = 17;

export interface ExportOptions {
  /** The data set the model was trained on: its preprocessing goes into the graph, its class names into the metadata. */
  dataset: DatasetName;
  /** 'pixels' (default): uint8 0..255 input normalised inside the graph; 'normalized': float32 input the caller normalised. */
  input?: InputFormat;
  /** Store each pruned weight tensor as a SparseTensorProto (COO indices) instead of dense zeros. */
  sparse?: boolean;
  metadata?: Record<string, string>;
  /**
   * Fold each batch norm that directly follows a convolution into that convolution's weights and bias (the
   * inference form: one Conv instead of Conv + BatchNormalization). Pruned weights stay exact zeros.
   */
  foldBatchNorm?: boolean;
  /** Graph name. */
  name?: string;
}

export interface ExportResult {
  bytes: Uint8Array;
  sizes: { bytes: number; gzipBytes: number };
  nodes: number;
}

const BN_EPS = 1e-5; // batchNormEval's default, as used by BatchNorm layers

function convNode(g: GraphBuilder, layer: Conv2d, inputs: string[]): string {
  const k = layer.weight.shape[2]!;
  return g.node(
    'Conv',
    inputs,
    [ints('kernel_shape', [k, k]), ints('strides', [layer.stride, layer.stride]), ints('pads', Array(4).fill(layer.padding))],
    layer.name,
  );
}

/** conv followed by batch norm as one Conv: w'[k] = w[k]·s_k, b'_k = (b_k − mean_k)·s_k + β_k, s_k = γ_k / √(var_k + ε). */
function emitFolded(g: GraphBuilder, conv: Conv2d, bn: BatchNorm, x: string): string {
  const w = conv.weight.value.download();
  const K = conv.weight.shape[0]!;
  const per = w.length / K;
  const [gamma, beta, mean, variance] = [bn.gamma.value, bn.beta.value, bn.runningMean, bn.runningVar].map((t) => t.download());
  const bias = conv.bias ? conv.bias.value.download() : new Float32Array(K);
  const wf = new Float32Array(w.length);
  const bf = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const s = gamma![k]! / Math.sqrt(variance![k]! + BN_EPS);
    for (let i = k * per; i < (k + 1) * per; i++) wf[i] = w[i]! * s; // 0 stays 0: pruned weights remain exact zeros
    bf[k] = (bias[k]! - mean![k]!) * s + beta![k]!;
  }
  return convNode(g, conv, [x, g.tensor(conv.weight.name, conv.weight.shape, wf, true), g.tensor(`${conv.name}.folded_bias`, [K], bf)]);
}

function emit(g: GraphBuilder, layer: Layer, x: string): string {
  if (layer instanceof Sequence) {
    let h = x;
    for (let i = 0; i < layer.layers.length; i++) {
      const l = layer.layers[i]!;
      const next = layer.layers[i + 1];
      if (g.foldBatchNorm && l instanceof Conv2d && next instanceof BatchNorm) {
        h = emitFolded(g, l, next, h);
        i++;
      } else {
        h = emit(g, l, h);
      }
    }
    return h;
  }
  if (layer instanceof Flatten) return g.node('Flatten', [x], [int('axis', 1)]);
  if (layer instanceof Dropout) return x; // identity at inference
  if (layer instanceof ReLU) return g.node('Relu', [x]);
  if (layer instanceof Dense) {
    const { weight, bias } = layer.inner;
    const w = g.tensor(weight.name, weight.shape, weight.value.download(), true);
    const b = g.tensor(bias.name, bias.shape, bias.value.download());
    const y = g.node('Gemm', [x, w, b], [int('transB', 1)], layer.inner.name);
    return layer.inner.relu ? g.node('Relu', [y]) : y;
  }
  if (layer instanceof Conv2d) {
    const inputs = [x, g.tensor(layer.weight.name, layer.weight.shape, layer.weight.value.download(), true)];
    if (layer.bias) inputs.push(g.tensor(layer.bias.name, layer.bias.shape, layer.bias.value.download()));
    return convNode(g, layer, inputs);
  }
  if (layer instanceof MaxPool)
    return g.node('MaxPool', [x], [ints('kernel_shape', [layer.size, layer.size]), ints('strides', [layer.size, layer.size])]);
  if (layer instanceof AvgPool)
    return g.node('AveragePool', [x], [ints('kernel_shape', [layer.size, layer.size]), ints('strides', [layer.size, layer.size])]);
  if (layer instanceof GlobalAvgPool) return g.node('Flatten', [g.node('GlobalAveragePool', [x])], [int('axis', 1)]);
  if (layer instanceof BatchNorm) {
    const t = (name: string, d: Float32Array) => g.tensor(name, [d.length], d);
    return g.node(
      'BatchNormalization',
      [
        x,
        t(layer.gamma.name, layer.gamma.value.download()),
        t(layer.beta.name, layer.beta.value.download()),
        t(`${layer.name}.running_mean`, layer.runningMean.download()),
        t(`${layer.name}.running_var`, layer.runningVar.download()),
      ],
      [float('epsilon', BN_EPS)],
      layer.name,
    );
  }
  if (layer instanceof BasicBlock) {
    const main = emit(g, layer.main, x);
    const short = layer.shortcut ? emit(g, layer.shortcut, x) : x;
    return g.node('Relu', [g.node('Add', [main, short])]);
  }
  throw new OnnxExportError(`no mapping for layer ${layer.constructor.name}`);
}

/**
 * The model's current weights (apply masks first) as ONNX ModelProto bytes: input 'pixels' uint8 [N, C, H, W]
 * (or 'normalized_pixels' float32 with input: 'normalized'), output 'logits' float32 [N, classes].
 */
export function exportOnnx(model: Model, opts: ExportOptions): ExportResult {
  if (!(model instanceof LayeredModel)) throw new OnnxExportError(`model '${model.name}' is not a layered model`);
  const contract = inputContract(opts.dataset, model.inputShape, opts.input);
  if (model.classes !== contract.classNames.length) {
    throw new OnnxExportError(`the model has ${model.classes} outputs, ${opts.dataset} has ${contract.classNames.length} classes`);
  }
  const g = new GraphBuilder(opts.sparse ?? false, opts.foldBatchNorm ?? false);
  const out = emit(g, model.net, emitPreprocessing(g, contract));
  g.nodes.push({ opType: 'Identity', input: [out], output: [OUTPUT_NAME], name: 'logits_identity' });
  const output = {
    name: OUTPUT_NAME,
    docString: describeOutput(contract),
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: model.classes }] } } },
  };
  const modelProto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'lth',
    producerVersion: '0.1.0',
    docString: `lth ${model.name} ticket trained on ${opts.dataset}. ${describeInput(contract)}; ${describeOutput(contract)}.`,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: opts.name ?? model.name,
      node: g.nodes,
      initializer: g.initializers,
      sparseInitializer: g.sparse,
      input: [inputValueInfo(contract)],
      output: [output],
    },
    metadataProps: Object.entries({ ...opts.metadata, ...inputMetadata(contract) }).map(([key, value]) => ({ key, value })),
  });
  const bytes = onnx.ModelProto.encode(modelProto).finish();
  return { bytes, sizes: { bytes: bytes.length, gzipBytes: gzipSync(bytes).length }, nodes: g.nodes.length };
}
