// What an exported model takes and gives: the input tensor, the preprocessing nodes that turn raw pixels into
// what training consumed, the class labels of the output, and the same facts as metadata and doc strings.
// Default input 'pixels': uint8 0..255, NCHW, as images are stored; the graph casts and normalises it exactly
// as training did (data/normalization.ts). uint8 rather than float32 0..255 so that a caller who feeds floats
// already scaled or normalised gets a type error from the runtime instead of silently wrong logits.
// Option 'normalized': the old float32 input, already normalised by the caller (no preprocessing nodes).
import { DATASETS, type DatasetName } from '../data/registry.js';
import { onlyScaled, pixelNormalization, type PixelNormalization } from '../data/normalization.js';
import { OnnxExportError } from './errors.js';
import type { GraphBuilder } from './graph.js';
import { onnx } from './proto.js';

export const INPUT_FORMATS = ['pixels', 'normalized'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const OUTPUT_NAME = 'logits';

export interface InputContract {
  format: InputFormat;
  dataset: DatasetName;
  /** Graph input name: 'pixels' or 'normalized_pixels'. */
  name: string;
  elemType: number;
  /** One example, [channels, height, width]. */
  shape: [number, number, number];
  normalization: PixelNormalization;
  classNames: string[];
}

export function inputContract(dataset: DatasetName, modelInputShape: readonly number[], format: InputFormat = 'pixels'): InputContract {
  if (!(INPUT_FORMATS as readonly string[]).includes(format))
    throw new OnnxExportError(`input format '${format}' is not one of ${INPUT_FORMATS.join(', ')}`);
  const spec = DATASETS[dataset];
  if (!spec) throw new OnnxExportError(`no image data set '${dataset}' (expected one of ${Object.keys(DATASETS).join(', ')})`);
  if (modelInputShape.join('x') !== spec.exampleShape.join('x')) {
    throw new OnnxExportError(
      `the model takes ${modelInputShape.join('x')} inputs, ${dataset} examples are ${spec.exampleShape.join('x')}`,
    );
  }
  return {
    format,
    dataset,
    name: format === 'pixels' ? 'pixels' : 'normalized_pixels',
    elemType: format === 'pixels' ? onnx.TensorProto.DataType.UINT8 : onnx.TensorProto.DataType.FLOAT,
    shape: spec.exampleShape,
    normalization: pixelNormalization(spec.exampleShape[0]),
    classNames: spec.classNames,
  };
}

/** The first nodes: raw pixels → Cast → Div 255 (→ Sub mean → Div std per channel). Returns what the network reads. */
export function emitPreprocessing(g: GraphBuilder, c: InputContract): string {
  if (c.format === 'normalized') return c.name;
  const { divisor, mean, std } = c.normalization;
  const channels = [1, c.shape[0], 1, 1];
  // Div by 255 rather than Mul by 1/255: float32 x / 255 is what training computed (correctly rounded).
  let x = g.node(
    'Cast',
    [c.name],
    [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
    'pixels_to_float',
  );
  x = g.node('Div', [x, g.tensor('preprocess.divisor', [], Float32Array.of(divisor))], [], 'scaled');
  if (onlyScaled(c.normalization)) return x;
  x = g.node('Sub', [x, g.tensor('preprocess.mean', channels, Float32Array.from(mean))], [], 'centred');
  return g.node('Div', [x, g.tensor('preprocess.std', channels, Float32Array.from(std))], [], 'normalized');
}

const list = (v: number[]) => `[${v.join(', ')}]`;

/** A human-readable sentence for the input, e.g. for the model's doc_string. */
export function describeInput(c: InputContract): string {
  const [ch, h, w] = c.shape;
  const layout = `NCHW Nx${ch}x${h}x${w} (${ch === 3 ? 'RGB planes' : 'grayscale'})`;
  const { divisor, mean, std } = c.normalization;
  const steps = onlyScaled(c.normalization)
    ? `divided by ${divisor}`
    : `divided by ${divisor}, then per channel minus mean ${list(mean)} and divided by std ${list(std)}`;
  return c.format === 'pixels'
    ? `input '${c.name}': raw pixel values 0..255 as uint8, ${layout}, ${steps} inside the graph`
    : `input '${c.name}': float32 ${layout}, pixel values already ${steps} by the caller (the graph does no preprocessing)`;
}

export function describeOutput(c: InputContract): string {
  return `output '${OUTPUT_NAME}': float32 Nx${c.classNames.length}, logits over ${c.classNames.length} classes: ${c.classNames.join(', ')} (softmax gives probabilities)`;
}

/**
 * Metadata props: the image keys of ONNX's docs/MetadataProps.md (Image.BitmapPixelFormat,
 * Image.NominalPixelRange — the latter only where one of its values describes the input), 'labels' (JSON
 * array, index = logit index; ONNX defines no key for class labels) and 'preprocessing' (JSON, the whole rule).
 */
export function inputMetadata(c: InputContract): Record<string, string> {
  const { divisor, mean, std } = c.normalization;
  const range = c.format === 'pixels' ? 'NominalRange_0_255' : onlyScaled(c.normalization) ? 'Normalized_0_1' : null;
  return {
    'Image.BitmapPixelFormat': c.shape[0] === 3 ? 'Rgb8' : 'Gray8',
    ...(range ? { 'Image.NominalPixelRange': range } : {}),
    labels: JSON.stringify(c.classNames),
    preprocessing: JSON.stringify({
      input: c.name,
      dtype: c.format === 'pixels' ? 'uint8' : 'float32',
      layout: 'NCHW',
      shape: ['N', ...c.shape],
      inGraph: c.format === 'pixels',
      rule: 'x = (pixel / divisor - mean[c]) / std[c]',
      divisor,
      mean,
      std,
    }),
  };
}

/** The graph input's ValueInfo, with ONNX type denotations (IMAGE; DATA_BATCH, DATA_CHANNEL, DATA_FEATURE). */
export function inputValueInfo(c: InputContract) {
  const denote = ['DATA_BATCH', 'DATA_CHANNEL', 'DATA_FEATURE', 'DATA_FEATURE'];
  const dims = [{ dimParam: 'N' }, ...c.shape.map((d) => ({ dimValue: d }))].map((d, i) => ({ ...d, denotation: denote[i]! }));
  return {
    name: c.name,
    docString: describeInput(c),
    type: { denotation: 'IMAGE', tensorType: { elemType: c.elemType, shape: { dim: dims } } },
  };
}
