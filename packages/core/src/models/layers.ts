// Layers for convolutional and residual networks, each with explicit forward/backward on native tensors.
// Shapes: activations NCHW [N,C,H,W] or [N,F]; conv weights [K,C,R,S]; dense weights [out,in].
import {
  add,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  conv2dBackwardData,
  conv2dBackwardFilter,
  conv2dForward,
  dropout,
  dropoutBackward,
  globalAvgPool,
  globalAvgPoolBackward,
  maxPool2d,
  maxPool2dBackward,
  relu,
  reluBackward,
  avgPool2d,
  avgPool2dBackward,
  zeros,
  type Device,
} from '@lth/native-sparse';
import { BufferCache } from './buffers.js';
import { DenseLayer } from './dense-layer.js';
import { dropoutMaskSeed } from './dropout-stream.js';
import type { F32, Param, ParamKind } from './types.js';

export interface Layer {
  readonly params: Param[];
  buffers(): Array<{ name: string; value: F32 }>;
  forward(x: F32, train: boolean): F32;
  /** dx, or null when needDx is false. */
  backward(dy: F32, needDx: boolean): F32 | null;
  dispose(): void;
}

function param(name: string, layer: string, kind: ParamKind, shape: number[], device: Device, prunable: boolean): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    name,
    layer,
    kind,
    shape,
    value: zeros(shape, { device }),
    grad: zeros(shape, { device }),
    mask: prunable ? zeros(shape, { dtype: 'u8', device }).upload(new Uint8Array(n).fill(1)) : null,
  };
}

function disposeParams(ps: Param[]): void {
  for (const p of ps) [p.value, p.grad, p.mask].forEach((t) => t?.dispose());
}

/** 2-D convolution with a pruning mask; bias optional (off before batch norm). */
export class Conv2d implements Layer {
  readonly weight: Param;
  readonly bias: Param | null;
  readonly params: Param[];
  private x: F32 | null = null;
  private readonly cache: BufferCache;

  constructor(
    readonly name: string,
    cin: number,
    cout: number,
    k: number,
    readonly stride: number,
    readonly padding: number,
    withBias: boolean,
    device: Device,
  ) {
    this.weight = param(`${name}.weight`, name, 'conv', [cout, cin, k, k], device, true);
    this.bias = withBias ? param(`${name}.bias`, name, 'bias', [cout], device, false) : null;
    this.params = this.bias ? [this.weight, this.bias] : [this.weight];
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  forward(x: F32): F32 {
    this.x = x;
    const geo = { stride: this.stride, padding: this.padding };
    const [N, , H, W] = x.shape as [number, number, number, number];
    const [K, , R] = this.weight.shape as [number, number, number];
    const P = Math.floor((H + 2 * this.padding - R) / this.stride) + 1;
    const Q = Math.floor((W + 2 * this.padding - R) / this.stride) + 1;
    return conv2dForward(x, this.weight.value, {
      ...geo,
      mask: this.weight.mask,
      bias: this.bias?.value ?? null,
      out: this.cache.f32('y', [N, K, P, Q]),
    });
  }
  backward(dy: F32, needDx: boolean): F32 | null {
    const x = this.x!;
    const geo = { stride: this.stride, padding: this.padding };
    conv2dBackwardFilter(x, dy, this.weight.shape, {
      ...geo,
      mask: this.weight.mask,
      dw: this.weight.grad,
      db: this.bias ? this.bias.grad : false,
    });
    if (!needDx) return null;
    return conv2dBackwardData(dy, this.weight.value, x.shape, { ...geo, mask: this.weight.mask, out: this.cache.f32('dx', x.shape) });
  }
  dispose() {
    disposeParams(this.params);
    this.cache.dispose();
  }
}

export class ReLU implements Layer {
  readonly params: Param[] = [];
  private y: F32 | null = null;
  private readonly cache: BufferCache;
  constructor(device: Device) {
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  forward(x: F32): F32 {
    return (this.y = relu(x, { out: this.cache.f32('y', x.shape) }));
  }
  backward(dy: F32): F32 {
    return reluBackward(this.y!, dy, { out: this.cache.f32('dx', dy.shape) });
  }
  dispose() {
    this.cache.dispose();
  }
}

export class MaxPool implements Layer {
  readonly params: Param[] = [];
  private inShape: number[] = [];
  private argmax: import('@lth/native-sparse').Tensor<'i32'> | null = null;
  private readonly cache: BufferCache;
  constructor(
    readonly size: number,
    device: Device,
  ) {
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  forward(x: F32): F32 {
    this.inShape = x.shape;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const out = [N, C, Math.floor(H / this.size), Math.floor(W / this.size)];
    const r = maxPool2d(x, { kernelSize: this.size, out: this.cache.f32('y', out), argmax: this.cache.i32('argmax', out) });
    this.argmax = r.argmax;
    return r.y;
  }
  backward(dy: F32): F32 {
    return maxPool2dBackward(dy, this.argmax!, this.inShape, { kernelSize: this.size, out: this.cache.f32('dx', this.inShape) });
  }
  dispose() {
    this.cache.dispose();
  }
}

export class AvgPool implements Layer {
  readonly params: Param[] = [];
  private inShape: number[] = [];
  private readonly cache: BufferCache;
  constructor(
    readonly size: number,
    device: Device,
  ) {
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  forward(x: F32): F32 {
    this.inShape = x.shape;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    return avgPool2d(x, { kernelSize: this.size, out: this.cache.f32('y', [N, C, Math.floor(H / this.size), Math.floor(W / this.size)]) });
  }
  backward(dy: F32): F32 {
    return avgPool2dBackward(dy, this.inShape, { kernelSize: this.size, out: this.cache.f32('dx', this.inShape) });
  }
  dispose() {
    this.cache.dispose();
  }
}

/** Global average pooling [N,C,H,W] → [N,C]. */
export class GlobalAvgPool implements Layer {
  readonly params: Param[] = [];
  private inShape: number[] = [];
  private readonly cache: BufferCache;
  constructor(device: Device) {
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  forward(x: F32): F32 {
    this.inShape = x.shape;
    return globalAvgPool(x, { out: this.cache.f32('y', [x.shape[0]!, x.shape[1]!]) });
  }
  backward(dy: F32): F32 {
    return globalAvgPoolBackward(dy, this.inShape, { out: this.cache.f32('dx', this.inShape) });
  }
  dispose() {
    this.cache.dispose();
  }
}

/** [N,C,H,W] → [N,C·H·W] (a view; no copy). */
export class Flatten implements Layer {
  readonly params: Param[] = [];
  private inShape: number[] = [];
  // Views are cached per source tensor: a view keeps its source's memory alive until it is disposed, so a
  // new view per step would hold every input buffer until the next garbage collection.
  private fwd: { src: F32; view: F32 } | null = null;
  private bwd: { src: F32; view: F32 } | null = null;
  buffers() {
    return [];
  }
  private static view(cache: { src: F32; view: F32 } | null, src: F32, shape: number[]): { src: F32; view: F32 } {
    if (cache && cache.src === src) return cache;
    cache?.view.dispose();
    return { src, view: src.reshape(shape) };
  }
  forward(x: F32): F32 {
    this.inShape = x.shape;
    this.fwd = Flatten.view(this.fwd, x, [x.shape[0]!, x.numel / x.shape[0]!]);
    return this.fwd.view;
  }
  backward(dy: F32): F32 {
    this.bwd = Flatten.view(this.bwd, dy, this.inShape);
    return this.bwd.view;
  }
  dispose() {
    this.fwd?.view.dispose();
    this.bwd?.view.dispose();
    this.fwd = this.bwd = null;
  }
}

/** Batch norm over channels (PyTorch semantics: momentum 0.1, eps 1e-5); never pruned. */
export class BatchNorm implements Layer {
  readonly gamma: Param;
  readonly beta: Param;
  readonly params: Param[];
  readonly runningMean: F32;
  readonly runningVar: F32;
  private x: F32 | null = null;
  private readonly cache: BufferCache;
  constructor(
    readonly name: string,
    channels: number,
    device: Device,
  ) {
    this.gamma = param(`${name}.weight`, name, 'bn', [channels], device, false);
    this.beta = param(`${name}.bias`, name, 'bn', [channels], device, false);
    this.params = [this.gamma, this.beta];
    this.runningMean = zeros([channels], { device });
    this.runningVar = zeros([channels], { device }).upload(new Float32Array(channels).fill(1));
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [
      { name: `${this.name}.running_mean`, value: this.runningMean },
      { name: `${this.name}.running_var`, value: this.runningVar },
    ];
  }
  forward(x: F32, train: boolean): F32 {
    this.x = x;
    const out = this.cache.f32('y', x.shape);
    if (!train) return batchNormEval(x, this.gamma.value, this.beta.value, this.runningMean, this.runningVar, { out });
    const C = x.shape[1]!;
    return batchNormTrain(x, this.gamma.value, this.beta.value, this.runningMean, this.runningVar, {
      out,
      saveMean: this.cache.f32('mean', [C]),
      saveInvstd: this.cache.f32('invstd', [C]),
    }).y;
  }
  backward(dy: F32, needDx: boolean): F32 | null {
    const C = dy.shape[1]!;
    const g = batchNormBackward(this.x!, this.gamma.value, this.cache.f32('mean', [C]), this.cache.f32('invstd', [C]), dy, {
      dx: needDx ? this.cache.f32('dx', dy.shape) : false,
      dgamma: this.gamma.grad,
      dbeta: this.beta.grad,
    });
    return g.dx;
  }
  dispose() {
    disposeParams(this.params);
    this.runningMean.dispose();
    this.runningVar.dispose();
    this.cache.dispose();
  }
}

/**
 * Inverted dropout (identity at evaluation). Its mask at a training forward is drawn from (stream seed, this layer's
 * index, iteration) — `dropoutMaskSeed` — so it is a pure function of where training stands: `position` sets the
 * stream and iteration of the next training forward (the trainer does before every step); each training forward
 * then moves one iteration on.
 */
export class Dropout implements Layer {
  readonly params: Param[] = [];
  private seed = 0;
  private iteration = 0;
  private keep: import('@lth/native-sparse').Tensor<'u8'> | null = null;
  private readonly cache: BufferCache;
  /** `layer`: this layer's index among the model's dropout layers (each has its own masks). */
  constructor(
    readonly p: number,
    readonly layer: number,
    device: Device,
  ) {
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [];
  }
  position(seed: number, iteration: number): void {
    this.seed = seed;
    this.iteration = iteration;
  }
  /** The keep mask (1 = kept) of the last training forward, null after an evaluation forward. */
  get mask(): import('@lth/native-sparse').Tensor<'u8'> | null {
    return this.keep;
  }
  forward(x: F32, train: boolean): F32 {
    if (!train || this.p === 0) {
      this.keep = null;
      return x;
    }
    const r = dropout(x, this.p, dropoutMaskSeed(this.seed, this.layer, this.iteration++), {
      out: this.cache.f32('y', x.shape),
      keep: this.cache.u8('keep', x.shape),
    });
    this.keep = r.keep;
    return r.y;
  }
  backward(dy: F32): F32 {
    if (!this.keep) return dy;
    return dropoutBackward(dy, this.keep, this.p, { out: this.cache.f32('dx', dy.shape) });
  }
  dispose() {
    this.cache.dispose();
  }
}

/** A dense layer as a Layer (ReLU fused when `relu`). */
export class Dense implements Layer {
  readonly inner: DenseLayer;
  readonly params: Param[];
  constructor(name: string, inF: number, outF: number, reluAfter: boolean, kind: 'fc' | 'output', device: Device) {
    this.inner = new DenseLayer(name, inF, outF, reluAfter, kind, device);
    this.params = [this.inner.weight, this.inner.bias];
  }
  buffers() {
    return [];
  }
  forward(x: F32, train: boolean): F32 {
    return this.inner.forward(x, train);
  }
  backward(dy: F32, needDx: boolean): F32 | null {
    return this.inner.backward(dy, needDx);
  }
  dispose() {
    this.inner.dispose();
  }
}

/** Layers in order. */
export class Sequence implements Layer {
  readonly params: Param[];
  constructor(readonly layers: Layer[]) {
    this.params = layers.flatMap((l) => l.params);
  }
  buffers() {
    return this.layers.flatMap((l) => l.buffers());
  }
  forward(x: F32, train: boolean): F32 {
    let h = x;
    for (const l of this.layers) h = l.forward(h, train);
    return h;
  }
  backward(dy: F32, needDx: boolean): F32 | null {
    let d: F32 | null = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i]!.backward(d!, needDx || i > 0);
    return d;
  }
  dispose() {
    this.layers.forEach((l) => l.dispose());
  }
}

/**
 * ResNet basic block (He et al. 2016, CIFAR variant): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
 * with a 1×1 conv + batch norm shortcut when the shape changes (as open_lth's cifar_resnet).
 */
export class BasicBlock implements Layer {
  readonly main: Sequence;
  readonly shortcut: Sequence | null;
  readonly params: Param[];
  private y: F32 | null = null;
  private readonly cache: BufferCache;
  constructor(name: string, cin: number, cout: number, stride: number, device: Device) {
    this.main = new Sequence([
      new Conv2d(`${name}.conv1`, cin, cout, 3, stride, 1, false, device),
      new BatchNorm(`${name}.bn1`, cout, device),
      new ReLU(device),
      new Conv2d(`${name}.conv2`, cout, cout, 3, 1, 1, false, device),
      new BatchNorm(`${name}.bn2`, cout, device),
    ]);
    this.shortcut =
      stride !== 1 || cin !== cout
        ? new Sequence([
            new Conv2d(`${name}.shortcut`, cin, cout, 1, stride, 0, false, device),
            new BatchNorm(`${name}.shortcut_bn`, cout, device),
          ])
        : null;
    this.params = [...this.main.params, ...(this.shortcut?.params ?? [])];
    this.cache = new BufferCache(device);
  }
  buffers() {
    return [...this.main.buffers(), ...(this.shortcut?.buffers() ?? [])];
  }
  forward(x: F32, train: boolean): F32 {
    const m = this.main.forward(x, train);
    const s = this.shortcut ? this.shortcut.forward(x, train) : x;
    const sum = add(m, s, { out: this.cache.f32('sum', m.shape) });
    return (this.y = relu(sum, { out: this.cache.f32('y', m.shape) }));
  }
  backward(dy: F32, needDx: boolean): F32 | null {
    const dsum = reluBackward(this.y!, dy, { out: this.cache.f32('dsum', dy.shape) });
    const dxMain = this.main.backward(dsum, true)!;
    const dxShort = this.shortcut ? this.shortcut.backward(dsum, true)! : dsum;
    if (!needDx) return null;
    return add(dxMain, dxShort, { out: this.cache.f32('dx', dxMain.shape) });
  }
  dispose() {
    this.main.dispose();
    this.shortcut?.dispose();
    this.cache.dispose();
  }
}
