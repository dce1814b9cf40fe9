// A one-node ONNX model Y[M,N] = X[M,K] · B[K,N] (B an initializer) run in onnxruntime-node (CPU EP,
// MLAS): the dense baseline the kernel benchmarks compare against. The ~100-byte ModelProto is written with
// a minimal protobuf encoder (field numbers from onnx.proto3); the ONNX export issue brings the full schema.
import * as ort from 'onnxruntime-node';

class ProtoWriter {
  private bytes: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt(v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x > 0n);
  }
  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }
  bytesField(field: number, data: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: ProtoWriter): this {
    return this.bytesField(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;

function tensorType(dims: Array<number | string>): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().str(2, d));
  return new ProtoWriter().msg(1, new ProtoWriter().int(1, FLOAT).msg(2, shape));
}

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
