// Fully connected networks: LeNet-300-100 (784-300-100-10) and any `mlp-<h1>-<h2>-…`.
import type { Device } from '@lth/native-sparse';
import { DenseLayer } from './dense-layer.js';
import type { F32, Model, Param } from './types.js';

export class Mlp implements Model {
  readonly params: Param[];
  private readonly layers: DenseLayer[];

  constructor(
    readonly name: string,
    readonly inputShape: number[],
    hidden: number[],
    readonly classes: number,
    device: Device,
  ) {
    const sizes = [inputShape.reduce((a, b) => a * b, 1), ...hidden, classes];
    this.layers = sizes.slice(1).map((out, i) => {
      const last = i === sizes.length - 2;
      return new DenseLayer(`fc${i + 1}`, sizes[i]!, out, !last, last ? 'output' : 'fc', device);
    });
    this.params = this.layers.flatMap((l) => [l.weight, l.bias]);
  }

  forward(x: F32, _train: boolean): F32 {
    let h = x.shape.length === 2 ? x : x.reshape([x.shape[0]!, x.numel / x.shape[0]!]);
    for (const l of this.layers) h = l.forward(h);
    return h;
  }

  backward(dlogits: F32): void {
    let d: F32 | null = dlogits;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d!, i > 0);
  }

  buffers(): Array<{ name: string; value: F32 }> {
    return [];
  }

  dispose(): void {
    this.layers.forEach((l) => l.dispose());
  }
}
