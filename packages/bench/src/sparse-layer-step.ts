// One fully connected layer's training step — forward, backward, Adam — on either path of models/dense-layer.ts
// (masked-dense or sparse), at a given mask density: what `lth bench calibrate-sparse` times to find the density
// below which the sparse path is faster. Each path's first step is checked against the other before timing.
import { DenseLayer, Optimizer, resolveHparams, type TrainPath } from '@lth/core';
import { validate } from '@lth/native-sparse/bench-harness';
import { fromArray, type Device, type Tensor } from '@lth/native-sparse';

/** A seeded stream of uniforms in [0, 1) (mulberry32): the benches' weights, inputs and masks. */
export function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A mask of n entries with exactly round(density·n) alive, at seeded random positions. */
export function randomMask(n: number, density: number, seed: number): Uint8Array {
  const rand = uniforms(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const alive = Math.round(density * n);
  const m = new Uint8Array(n);
  for (let i = 0; i < alive; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
    m[idx[i]!] = 1;
  }
  return m;
}

function randomTensor(shape: number[], seed: number, device: Device, scale = 1): Tensor<'f32'> {
  const rand = uniforms(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return fromArray(
    Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale),
    shape,
    { device },
  );
}

/** A [out, in] layer (ReLU after it) at `density` with its input, output gradient and Adam optimizer. */
export class LayerStep {
  readonly layer: DenseLayer;
  private readonly opt: Optimizer;
  private readonly x: Tensor<'f32'>;
  private readonly dy: Tensor<'f32'>;

  constructor(
    readonly outFeatures: number,
    readonly inFeatures: number,
    readonly batch: number,
    readonly density: number,
    device: Device = 'cpu',
  ) {
    this.layer = new DenseLayer('fc', inFeatures, outFeatures, true, 'fc', device);
    const w = randomTensor([outFeatures, inFeatures], 1, device, 1 / Math.sqrt(inFeatures));
    const mask = randomMask(outFeatures * inFeatures, density, 2);
    const wv = w.download();
    for (let i = 0; i < wv.length; i++) if (!mask[i]) wv[i] = 0;
    this.layer.weight.value.upload(wv);
    this.layer.weight.mask!.upload(mask);
    w.dispose();
    this.x = randomTensor([batch, inFeatures], 3, device);
    this.dy = randomTensor([batch, outFeatures], 4, device);
    this.opt = new Optimizer([this.layer.weight, this.layer.bias], resolveHparams('lenet').training);
  }

  usePath(path: TrainPath): void {
    this.layer.usePath(path);
  }

  step(): void {
    this.layer.forward(this.x);
    this.layer.backward(this.dy, true);
    this.opt.apply(1.2e-3);
  }

  /** The first step's output, input gradient and weight gradient on `path` (state reset after). */
  firstStep(path: TrainPath): { y: Float32Array; dx: Float32Array; dW: Float32Array } {
    this.usePath(path);
    const y = this.layer.forward(this.x).download();
    const dx = this.layer.backward(this.dy, true)!.download();
    return { y, dx, dW: this.layer.weight.grad.download() };
  }

  /** Throws unless both paths compute the same first step (to fp32 rounding). */
  check(): void {
    const d = this.firstStep('dense');
    const s = this.firstStep('sparse');
    const label = `${this.outFeatures}x${this.inFeatures} at density ${this.density}`;
    validate(`${label}: forward`, s.y, d.y);
    validate(`${label}: dx`, s.dx, d.dx);
    validate(`${label}: dW`, s.dW, d.dW);
  }

  dispose(): void {
    this.opt.dispose();
    this.layer.dispose();
    this.x.dispose();
    this.dy.dispose();
  }
}
