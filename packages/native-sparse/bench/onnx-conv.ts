// A one-node ONNX model Y = Conv(X, W, B) run in onnxruntime-node (CPU EP, MLAS): the dense baseline for
// the conv kernel benchmarks. Written with bench/onnx-proto.ts.
import * as ort from 'onnxruntime-node';
import { FLOAT, ProtoWriter, tensorType } from './onnx-proto.js';

/** onnx.AttributeProto.AttributeType.INTS */
const ATTR_INTS = 7;

function initializer(name: string, dims: number[], data: Float32Array): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  return t
    .int(2, FLOAT)
    .str(8, name)
    .bytesField(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function intsAttr(name: string, values: number[]): ProtoWriter {
  const a = new ProtoWriter().str(1, name);
  for (const v of values) a.int(8, v);
  return a.int(20, ATTR_INTS);
}

export interface ConvSpec {
  C: number;
  H: number;
  W: number;
  K: number;
  R: number;
  S: number;
  stride: [number, number];
  pad: [number, number];
}

/** ModelProto bytes for Y = Conv(X [N(dynamic),C,H,W], W [K,C,R,S], B [K]). */
export function convModel(s: ConvSpec, w: Float32Array, bias: Float32Array): Uint8Array {
  const node = new ProtoWriter()
    .str(1, 'X')
    .str(1, 'W')
    .str(1, 'B')
    .str(2, 'Y')
    .str(3, 'conv')
    .str(4, 'Conv')
    .msg(5, intsAttr('kernel_shape', [s.R, s.S]))
    .msg(5, intsAttr('strides', s.stride))
    .msg(5, intsAttr('pads', [s.pad[0], s.pad[1], s.pad[0], s.pad[1]]));
  const P = Math.floor((s.H + 2 * s.pad[0] - s.R) / s.stride[0]) + 1;
  const Q = Math.floor((s.W + 2 * s.pad[1] - s.S) / s.stride[1]) + 1;
  const graph = new ProtoWriter()
    .msg(1, node)
    .str(2, 'conv_bench')
    .msg(5, initializer('W', [s.K, s.C, s.R, s.S], w))
    .msg(5, initializer('B', [s.K], bias))
    .msg(11, new ProtoWriter().str(1, 'X').msg(2, tensorType(['N', s.C, s.H, s.W])))
    .msg(12, new ProtoWriter().str(1, 'Y').msg(2, tensorType(['N', s.K, P, Q])));
  return new ProtoWriter().int(1, 8).str(2, 'lth-bench').msg(7, graph).msg(8, new ProtoWriter().str(1, '').int(2, 17)).finish();
}

export interface ConvSession {
  run(x: Float32Array, N: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createConvSession(s: ConvSpec, w: Float32Array, bias: Float32Array, threads: number): Promise<ConvSession> {
  const session = await ort.InferenceSession.create(convModel(s, w, bias), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // ORT's pool threads spin after each run by default, stealing the cores from whatever is timed next.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return {
    async run(x, N) {
      const out = await session.run({ X: new ort.Tensor('float32', x, [N, s.C, s.H, s.W]) });
      return out.Y!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
