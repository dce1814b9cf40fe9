// Activation/gradient buffers reused across steps: one tensor per (slot, shape), allocated on first use.
import { zeros, type Device } from '@lth/native-sparse';
import type { Tensor } from '@lth/native-sparse';

export class BufferCache {
  private readonly map = new Map<string, Tensor>();
  constructor(private readonly device: Device) {}

  f32(slot: string, shape: readonly number[]): Tensor<'f32'> {
    return this.get(slot, shape, 'f32') as Tensor<'f32'>;
  }
  i32(slot: string, shape: readonly number[]): Tensor<'i32'> {
    return this.get(slot, shape, 'i32') as Tensor<'i32'>;
  }
  u8(slot: string, shape: readonly number[]): Tensor<'u8'> {
    return this.get(slot, shape, 'u8') as Tensor<'u8'>;
  }

  private get(slot: string, shape: readonly number[], dtype: 'f32' | 'i32' | 'u8'): Tensor {
    const key = `${slot}:${dtype}:${shape.join('x')}`;
    let t = this.map.get(key);
    if (!t) {
      t = zeros(shape, { dtype, device: this.device });
      this.map.set(key, t);
    }
    return t;
  }

  dispose(): void {
    for (const t of this.map.values()) t.dispose();
    this.map.clear();
  }
}
