// Accumulates the nodes and initializers of one ONNX graph with fresh, readable tensor names.
import { onnx } from './proto.js';

export type INode = import('onnx-proto').onnx.INodeProto;
export type ITensor = import('onnx-proto').onnx.ITensorProto;
export type ISparse = import('onnx-proto').onnx.ISparseTensorProto;
type IAttribute = import('onnx-proto').onnx.IAttributeProto;

export class GraphBuilder {
  readonly nodes: INode[] = [];
  readonly initializers: ITensor[] = [];
  readonly sparse: ISparse[] = [];
  private counter = 0;
  constructor(
    private readonly sparseWeights: boolean,
    readonly foldBatchNorm: boolean,
  ) {}

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  node(opType: string, inputs: string[], attrs: IAttribute[] = [], name = opType): string {
    const out = this.fresh(name.replace(/\W/g, '_'));
    this.nodes.push({ opType, input: inputs, output: [out], name: out, attribute: attrs });
    return out;
  }

  tensor(name: string, dims: number[], data: Float32Array, prunable = false): string {
    if (this.sparseWeights && prunable) {
      const idx: number[] = [];
      const vals: number[] = [];
      for (let i = 0; i < data.length; i++)
        if (data[i] !== 0) {
          idx.push(i);
          vals.push(data[i]!);
        }
      this.sparse.push({
        values: {
          name,
          dims: [vals.length],
          dataType: onnx.TensorProto.DataType.FLOAT,
          rawData: new Uint8Array(Float32Array.from(vals).buffer),
        },
        indices: {
          name: `${name}_indices`,
          dims: [idx.length],
          dataType: onnx.TensorProto.DataType.INT64,
          rawData: new Uint8Array(BigInt64Array.from(idx.map(BigInt)).buffer),
        },
        dims,
      });
      return name;
    }
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
    });
    return name;
  }
}

export const ints = (name: string, v: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
export const int = (name: string, v: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: v });
export const float = (name: string, v: number) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v });
