// A masked fully connected layer (optionally followed by ReLU, fused into the kernel), with output and
// gradient buffers reused across steps of the same batch size. Two training paths, the same results to fp32
// rounding: masked-dense (every weight, pruned ones multiplied by 0), or sparse — the mask's structure built
// once (masks are fixed within an IMP level), forward, backward and the optimizer step touching only the
// alive weights. The values stay in the dense weight tensor either way (checkpoints, store, export unchanged).
import {
  maskedDenseBackward,
  maskedDenseForward,
  reluBackward,
  sparseDenseBackward,
  sparseDenseForward,
  sparseDenseStructure,
  zeros,
  type SparseDenseStructure,
} from '@lth/native-sparse';
import type { Device } from '@lth/native-sparse';
import type { F32, Param, ParamKind } from './types.js';

/** How a fully connected layer trains: masked-dense kernels, or sparse ones over its mask's structure. */
export type TrainPath = 'dense' | 'sparse';

interface Buffers {
  y: F32;
  dyPre: F32;
  dx: F32;
}

export class DenseLayer {
  readonly weight: Param;
  readonly bias: Param;
  private x: F32 | null = null;
  private bufs = new Map<number, Buffers>();
  /** The mask's structure while the layer trains sparse (its mask must not change meanwhile). */
  private structure: SparseDenseStructure | null = null;

  constructor(
    readonly name: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly relu: boolean,
    kind: Extract<ParamKind, 'fc' | 'output'>,
    private readonly device: Device,
  ) {
    const opts = { device } as const;
    this.weight = {
      name: `${name}.weight`,
      layer: name,
      kind,
      shape: [outFeatures, inFeatures],
      value: zeros([outFeatures, inFeatures], opts),
      grad: zeros([outFeatures, inFeatures], opts),
      mask: zeros([outFeatures, inFeatures], { ...opts, dtype: 'u8' }).upload(new Uint8Array(outFeatures * inFeatures).fill(1)),
    };
    this.bias = {
      name: `${name}.bias`,
      layer: name,
      kind: 'bias',
      shape: [outFeatures],
      value: zeros([outFeatures], opts),
      grad: zeros([outFeatures], opts),
      mask: null,
    };
  }

  private buffers(batch: number): Buffers {
    let b = this.bufs.get(batch);
    if (!b) {
      const opts = { device: this.device } as const;
      b = {
        y: zeros([batch, this.outFeatures], opts),
        dyPre: zeros([batch, this.outFeatures], opts),
        dx: zeros([batch, this.inFeatures], opts),
      };
      this.bufs.set(batch, b);
    }
    return b;
  }

  get path(): TrainPath {
    return this.structure ? 'sparse' : 'dense';
  }

  /**
   * Train on `path` from now on. 'sparse' builds the structure of the current mask (again, when already sparse:
   * call it whenever the mask has changed) and hands its positions to the optimizer through the weight's Param;
   * 'dense' frees it. The sparse backward writes the weight gradient only at alive positions, so the pruned
   * entries are zeroed here once and stay 0.
   */
  usePath(path: TrainPath): void {
    this.structure?.dispose();
    this.structure = null;
    this.weight.positions = null;
    if (path === 'dense') return;
    this.structure = sparseDenseStructure(this.weight.mask!);
    this.weight.positions = this.structure.positions;
    this.weight.grad.zero();
  }

  /**
   * y = relu?(x·(W⊙M)ᵀ + b). The sparse path serves training forwards only: an evaluation forward (train false,
   * batches of 1000) stays masked-dense, where the first sparse kernels measured 15–30× slower than the dense GEMM
   * (LeNet fc1/fc2 at 3–20% density). The later kernels no longer are (packages/bench/README.md): evaluating on
   * the sparse path below the crossover is a follow-up.
   */
  forward(x: F32, train = true): F32 {
    this.x = x;
    const b = this.buffers(x.shape[0]!);
    if (this.structure && train)
      return sparseDenseForward(x, this.weight.value, this.structure, { bias: this.bias.value, relu: this.relu, out: b.y });
    return maskedDenseForward(x, this.weight.value, { mask: this.weight.mask, bias: this.bias.value, relu: this.relu, out: b.y });
  }

  /** Returns dx, or null when `needDx` is false (first layer). */
  backward(dy: F32, needDx: boolean): F32 | null {
    if (!this.x) throw new Error(`${this.name}: backward before forward`);
    const b = this.buffers(dy.shape[0]!);
    const dyPre = this.relu ? reluBackward(b.y, dy, { out: b.dyPre }) : dy;
    if (this.structure) {
      sparseDenseBackward(this.x, this.weight.value, dyPre, this.structure, {
        dx: needDx ? b.dx : false,
        dW: this.weight.grad,
        db: this.bias.grad,
      });
      return needDx ? b.dx : null;
    }
    maskedDenseBackward(this.x, this.weight.value, dyPre, {
      mask: this.weight.mask,
      dx: needDx ? b.dx : false,
      dW: this.weight.grad,
      db: this.bias.grad,
    });
    return needDx ? b.dx : null;
  }

  dispose(): void {
    this.usePath('dense');
    for (const b of this.bufs.values()) Object.values(b).forEach((t: F32) => t.dispose());
    this.bufs.clear();
    for (const p of [this.weight, this.bias]) [p.value, p.grad, p.mask].forEach((t) => t?.dispose());
  }
}
