// A one-node ONNX model Y[M,N] = X[M,K] · B[K,N] (B an initializer) run in onnxruntime-node (CPU EP,
// MLAS): the dense baseline the kernel benchmarks compare against. The ~100-byte ModelProto is written with
// bench/onnx-proto.ts.
import * as ort from 'onnxruntime-node';
import { FLOAT, ProtoWriter, tensorType } from './onnx-proto.js';

/** ModelProto bytes for Y = MatMul(X, B) with X [M(dynamic), K] and the initializer B [K, N]. */
export function matMulModel(K: number, N: number, b: Float32Array): Uint8Array {
  if (b.length !== K * N) throw new Error(`matMulModel: B needs ${K * N} values, got ${b.length}`);
  const node = new ProtoWriter().str(1, 'X').str(1, 'B').str(2, 'Y').str(3, 'matmul').str(4, 'MatMul');
  const init = new ProtoWriter()
    .int(1, K)
    .int(1, N)
    .int(2, FLOAT)
    .str(8, 'B')
    .bytesField(9, new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  const graph = new ProtoWriter()
    .msg(1, node)
    .str(2, 'matmul_bench')
    .msg(5, init)
    .msg(11, new ProtoWriter().str(1, 'X').msg(2, tensorType(['M', K])))
    .msg(12, new ProtoWriter().str(1, 'Y').msg(2, tensorType(['M', N])));
  return new ProtoWriter()
    .int(1, 8) // ir_version
    .str(2, 'lth-bench')
    .msg(7, graph)
    .msg(8, new ProtoWriter().str(1, '').int(2, 17)) // opset_import: ai.onnx 17
    .finish();
}

export interface MatMulSession {
  /** Y[M,N] for X[M,K]. */
  run(x: Float32Array, M: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createMatMulSession(K: number, N: number, b: Float32Array, threads: number): Promise<MatMulSession> {
  const session = await ort.InferenceSession.create(matMulModel(K, N, b), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return {
    async run(x, M) {
      const out = await session.run({ X: new ort.Tensor('float32', x, [M, K]) });
      return out.Y!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
