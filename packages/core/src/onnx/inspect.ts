// Read back what an ONNX file says about itself: its input and output tensors, metadata props and doc string.
import { OnnxExportError } from './errors.js';
import { onnx } from './proto.js';

export interface OnnxTensorInfo {
  name: string;
  /** 'uint8', 'float32', … (the ONNX element type, lower-cased; float32 for FLOAT). */
  dtype: string;
  /** Fixed sizes as numbers, symbolic ones (the batch) as their name. */
  dims: Array<number | string>;
  docString: string;
}

export interface OnnxSignature {
  input: OnnxTensorInfo;
  output: OnnxTensorInfo;
  metadata: Record<string, string>;
  docString: string;
}

const dtypeName = (t: number) =>
  t === onnx.TensorProto.DataType.FLOAT ? 'float32' : (onnx.TensorProto.DataType[t] ?? `type ${t}`).toLowerCase();

function tensorInfo(v: import('onnx-proto').onnx.IValueInfoProto): OnnxTensorInfo {
  const t = v.type?.tensorType;
  if (!t) throw new OnnxExportError(`graph value '${v.name ?? ''}' is not a tensor`);
  return {
    name: v.name ?? '',
    dtype: dtypeName(t.elemType ?? 0),
    dims: (t.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
    docString: v.docString ?? '',
  };
}

/** The signature of a one-input, one-output model (what lth writes). */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const m = onnx.ModelProto.decode(bytes);
  const [inputs, outputs] = [m.graph?.input ?? [], m.graph?.output ?? []];
  if (inputs.length !== 1 || outputs.length !== 1) throw new OnnxExportError('expected a graph with one input and one output');
  return {
    input: tensorInfo(inputs[0]!),
    output: tensorInfo(outputs[0]!),
    metadata: Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value])),
    docString: m.docString,
  };
}
