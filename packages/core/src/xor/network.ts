// The draft's XOR network: 2 inputs → h hidden ReLU units → 1 sigmoid output (the sigmoid lives in the
// loss, sigmoidBinaryCrossEntropy). Built from the model library's Dense layer: 'hidden' (kind 'fc') and
// 'output' (kind 'output', one unit). Initialisation: weights N(0, 0.1²) truncated at 2σ (initWeights
// 'trunc-normal', std 0.1, the draft's initialiser), biases 0.
//
// Hidden UNITS are pruned whole: a pruned unit j has its incoming weight row (hidden.weight[j, :]), its bias
// (hidden.bias[j]) and its outgoing weight (output.weight[0, j]) masked, i.e. held at exactly 0 through
// training (the masked kernels give them zero gradient and sgdStep keeps masked positions at 0; the bias
// uses its own mask in sgdStep). The unit then always outputs relu(0) = 0 and the network is exactly the
// smaller network of the surviving units.
import { fromArray, type Device, type Tensor } from '@lth/native-sparse';
import { Dense } from '../models/layers.js';
import { initWeights } from '../models/init.js';
import type { Param } from '../models/types.js';
import { Random } from '../util/rng.js';

export const XOR_INIT_STD = 0.1;

/** Initial weights of one XOR network (the values training resets to). */
export interface XorInit {
  hidden: number;
  /** [hidden, 2] row-major. */
  w1: Float32Array;
  /** [1, hidden]. */
  w2: Float32Array;
}

/** The seeded initial weights of a 2-h-1 network: seed → the same numbers on every machine. */
export function xorInit(hidden: number, seed: number): XorInit {
  if (!Number.isInteger(hidden) || hidden < 1) throw new RangeError(`xor: hidden units must be an integer >= 1, got ${hidden}`);
  const rng = new Random(seed, 'xor-init');
  const spec = { name: 'trunc-normal', std: XOR_INIT_STD } as const;
  const w1 = initWeights([hidden, 2], spec, rng);
  const w2 = initWeights([1, hidden], spec, rng);
  return { hidden, w1, w2 };
}

export class XorNet {
  readonly hiddenLayer: Dense;
  readonly outputLayer: Dense;
  /** Per-hidden-unit mask for the hidden biases (1 = alive). */
  readonly biasMask: Tensor<'u8'>;
  private alive: boolean[];

  constructor(
    readonly init: XorInit,
    readonly device: Device = 'cpu',
  ) {
    const h = init.hidden;
    this.hiddenLayer = new Dense('hidden', 2, h, true, 'fc', device);
    this.outputLayer = new Dense('output', h, 1, false, 'output', device);
    this.biasMask = fromArray(new Uint8Array(h).fill(1), [h], { device });
    this.alive = new Array<boolean>(h).fill(true);
    this.reset();
  }

  get hidden(): number {
    return this.init.hidden;
  }

  /** Weights and biases of both layers (hidden.weight, hidden.bias, output.weight, output.bias). */
  get params(): Param[] {
    return [...this.hiddenLayer.params, ...this.outputLayer.params];
  }

  /** Which hidden units are alive (a copy). */
  aliveUnits(): boolean[] {
    return [...this.alive];
  }

  aliveCount(): number {
    return this.alive.filter(Boolean).length;
  }

  /**
   * Set which hidden units are alive (masks only shrink in the experiments, but this sets them as given)
   * and zero the pruned units' parameters.
   */
  setAlive(alive: readonly boolean[]): void {
    const h = this.hidden;
    if (alive.length !== h) throw new RangeError(`xor: alive has ${alive.length} entries, the network has ${h} hidden units`);
    this.alive = [...alive];
    const m1 = new Uint8Array(h * 2);
    const mb = new Uint8Array(h);
    const m2 = new Uint8Array(h);
    for (let j = 0; j < h; j++) {
      const a = alive[j] ? 1 : 0;
      m1[2 * j] = a;
      m1[2 * j + 1] = a;
      mb[j] = a;
      m2[j] = a;
    }
    this.hiddenLayer.inner.weight.mask!.upload(m1);
    this.biasMask.upload(mb);
    this.outputLayer.inner.weight.mask!.upload(m2);
    this.applyMasks();
  }

  /** Reset every alive weight to its initial value, biases to 0; pruned parameters stay 0. */
  reset(): void {
    const w1 = Float32Array.from(this.init.w1);
    const w2 = Float32Array.from(this.init.w2);
    this.hiddenLayer.inner.weight.value.upload(w1);
    this.outputLayer.inner.weight.value.upload(w2);
    this.hiddenLayer.inner.bias.value.zero();
    this.outputLayer.inner.bias.value.zero();
    this.applyMasks();
  }

  private applyMasks(): void {
    const h = this.hidden;
    const w1 = this.hiddenLayer.inner.weight.value.download();
    const b1 = this.hiddenLayer.inner.bias.value.download();
    const w2 = this.outputLayer.inner.weight.value.download();
    for (let j = 0; j < h; j++) {
      if (this.alive[j]) continue;
      w1[2 * j] = 0;
      w1[2 * j + 1] = 0;
      b1[j] = 0;
      w2[j] = 0;
    }
    this.hiddenLayer.inner.weight.value.upload(w1);
    this.hiddenLayer.inner.bias.value.upload(b1);
    this.outputLayer.inner.weight.value.upload(w2);
  }

  /** Current (trained) weights: w1 [h,2], b1 [h], w2 [1,h], b2 [1]. */
  weights(): { w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array } {
    return {
      w1: this.hiddenLayer.inner.weight.value.download(),
      b1: this.hiddenLayer.inner.bias.value.download(),
      w2: this.outputLayer.inner.weight.value.download(),
      b2: this.outputLayer.inner.bias.value.download(),
    };
  }

  /** Overwrite the current weights (tests: hand-made networks). Pruned units are zeroed afterwards. */
  setWeights(w: { w1: ArrayLike<number>; b1?: ArrayLike<number>; w2: ArrayLike<number>; b2?: ArrayLike<number> }): void {
    const h = this.hidden;
    this.hiddenLayer.inner.weight.value.upload(Float32Array.from(w.w1));
    this.hiddenLayer.inner.bias.value.upload(Float32Array.from(w.b1 ?? new Array<number>(h).fill(0)));
    this.outputLayer.inner.weight.value.upload(Float32Array.from(w.w2));
    this.outputLayer.inner.bias.value.upload(Float32Array.from(w.b2 ?? [0]));
    this.applyMasks();
  }

  dispose(): void {
    this.hiddenLayer.dispose();
    this.outputLayer.dispose();
    this.biasMask.dispose();
  }
}
