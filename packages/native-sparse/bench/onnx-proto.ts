// A minimal protobuf writer for the few ONNX messages the benchmarks build (field numbers from onnx.proto3).
// The ONNX export issue brings the full schema; these one-node baseline models need only this much.
export class ProtoWriter {
  private bytes: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
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

/** onnx.TensorProto.DataType.FLOAT */
export const FLOAT = 1;

/** TypeProto of a float tensor; a string dim is symbolic (dynamic). */
export function tensorType(dims: Array<number | string>): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().str(2, d));
  return new ProtoWriter().msg(1, new ProtoWriter().int(1, FLOAT).msg(2, shape));
}
