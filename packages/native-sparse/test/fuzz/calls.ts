// The fuzz's call generators: one per exported function of the package (and one per Tensor method). Call i of
// seed s is a pure function of (s, i) — fast-check's lazy `gen()` stream seeded with s + i — so any child
// process can regenerate it, and a crash names a call that can be replayed alone.
import fc from 'fast-check';
import * as api from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

type Draw = fc.GeneratorValue;
type DT = 'f32' | 'u8' | 'i32';

/** Random draws plus the tensors made for one call (disposed after it). */
export class CallGen {
  readonly made: Tensor[] = [];
  /** Now and then a call's dimensions include 2^32, so all its tensors share one overflowing shape. */
  private readonly huge: boolean;
  constructor(private readonly draw: Draw) {
    this.huge = this.chance(0.04);
  }

  int(min: number, max: number): number {
    // Unbiased: fast-check's default bias towards bounds would skew every probability below.
    return this.draw((lo: number, hi: number) => fc.noBias(fc.integer({ min: lo, max: hi })), min, max);
  }
  chance(p: number): boolean {
    return this.int(0, 999) < p * 1000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  bool(): boolean {
    return this.chance(0.5);
  }
  /** A small dimension (0 now and then, so empty tensors are covered). */
  dim(): number {
    if (this.huge && this.bool()) return 2 ** 32;
    return this.chance(0.08) ? 0 : this.int(1, 4);
  }
  num(min: number, max: number): number {
    return this.chance(0.9) ? min + ((max - min) * this.int(0, 1000)) / 1000 : this.bad();
  }

  /** A value of a wrong type or range: what a JS caller may pass by mistake. */
  bad(): never {
    const values: unknown[] = [
      undefined,
      null,
      0,
      -1,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      2 ** 53,
      1e300,
      '',
      'cpu',
      '3',
      true,
      false,
      7n,
      -1n,
      Symbol('s'),
      {},
      { shape: [2, 2] },
      [],
      [1, 2],
      ['a', 'b'],
      [undefined],
      [null, 1],
      () => 0,
      new Float32Array(4),
      new Uint8Array(2),
      new Date(0),
      Object.create(null),
    ];
    return this.pick(values) as never;
  }

  /** A shape that must be rejected: overflowing element counts, negative or fractional dims, wrong types. */
  badShape(): number[] {
    return this.pick([
      [4294967296, 3, 4294967296],
      [2 ** 32, 2 ** 32],
      [2 ** 53, 2],
      [2 ** 62],
      [2 ** 40 + 1],
      [2 ** 21, 2 ** 20],
      [0, 2 ** 60],
      [2 ** 30, 0, 2 ** 30, 2 ** 30],
      [-1, 2],
      [1.5],
      [NaN],
      [Infinity],
      ['a'],
      [undefined],
      [2, null],
      [1e300],
      [-0.5, 1],
    ] as unknown[]) as number[];
  }

  /** A fresh tensor with random contents. */
  fresh(shape: number[], dtype: DT = 'f32'): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    // Past 2^40 elements zeros must throw ERR_SHAPE (the call's outcome); a large legal shape is not
    // allocated (it would only test the machine's memory) but replaced by a mismatched small tensor.
    if (n > 2 ** 40) return this.keep(api.zeros(shape, { dtype }) as Tensor);
    if (n > 2 ** 16) return this.fresh([1], dtype);
    const t =
      dtype === 'f32'
        ? api.fromArray(
            Float32Array.from({ length: n }, () => this.int(-8, 8) / 4),
            shape,
          )
        : dtype === 'u8'
          ? api.fromArray(
              Uint8Array.from({ length: n }, () => this.int(0, 1)),
              shape,
            )
          : api.fromArray(
              Int32Array.from({ length: n }, () => this.int(-1, 4)),
              shape,
            );
    return this.keep(t);
  }

  private keep(t: Tensor): Tensor {
    this.made.push(t);
    return t;
  }

  /** Mostly a valid tensor of that shape and dtype; sometimes a wrong dtype, shape, a disposed one or a non-tensor. */
  t(shape: number[], dtype: DT = 'f32'): Tensor {
    const r = this.int(0, 99);
    if (r < 82) return this.fresh(shape, dtype);
    if (r < 86) return this.fresh(shape, this.pick((['f32', 'u8', 'i32'] as const).filter((d) => d !== dtype)));
    if (r < 90) return this.fresh(shape.length && this.bool() ? [...shape.slice(1), shape[0]! + 1] : [...shape, 2], dtype);
    if (r < 94) {
      const t = this.fresh(shape, dtype);
      t.dispose();
      return t;
    }
    // A tensor of an overflowing shape: zeros must refuse it (it once returned numel 0, and ops then wrote
    // out of bounds). Thrown here, it is the call's outcome.
    if (r < 96) return api.zeros(this.badShape(), { dtype }) as Tensor;
    return this.bad();
  }

  /**
   * An output argument: usually fresh (or omitted), sometimes one of the inputs or a reshape view of one (the
   * aliasing cases), sometimes a bad one.
   */
  out(shape: number[], inputs: unknown[], dtype: DT = 'f32'): Tensor | undefined {
    const r = this.int(0, 99);
    if (r < 30) return undefined;
    const live = inputs.filter((x): x is Tensor => api.isTensor(x) && !x.disposed);
    if (r < 50 && live.length) {
      const src = this.pick(live);
      return this.bool() ? src : src.reshape(src.numel ? [src.numel] : [0]);
    }
    return this.t(shape, dtype);
  }

  /** An options object: each field present or not; now and then the whole object is a wrong value. */
  opts(fields: Record<string, () => unknown>): Record<string, unknown> | undefined {
    if (this.chance(0.05)) return this.bad();
    if (this.chance(0.1)) return undefined;
    const o: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(fields)) if (this.bool()) o[k] = this.chance(0.05) ? this.bad() : f();
    return o;
  }

  pair(min: number): unknown {
    const r = this.int(0, 9);
    if (r < 5) return this.int(min, min + 2);
    if (r < 7) return [this.int(min, min + 2), this.int(min, min + 2)];
    return this.pick([2 ** 31, 2 ** 53, 1e300, -1, 1.5, [1, undefined], [1], [1, 2, 3], 'x', NaN, {}, undefined, [2 ** 40, 1]]);
  }

  shape(shape: number[]): number[] {
    return this.chance(0.1) ? this.badShape() : shape;
  }

  seed(): unknown {
    return this.chance(0.9) ? (this.bool() ? this.int(0, 1000) : BigInt(this.int(0, 1000))) : this.pick([-1, 1.5, 2n ** 64n, 'a', NaN]);
  }

  device(): unknown {
    return this.pick(['cpu', 'cpu', 'auto', 'cuda', null, 5, {}, 'gpu', 'CUDA', '', 'cpu ']);
  }

  /**
   * A sparse-dense structure of an [Out, In] mask: usually built by the op (from a fuzzed mask), sometimes forged
   * with random index tensors (the kernels must check what they read), a field of the wrong kind, or freed.
   */
  structure(Out: number, In: number): unknown {
    const r = this.int(0, 99);
    if (r < 5) return this.bad();
    let s: api.SparseDenseStructure;
    try {
      s = api.sparseDenseStructure(this.t([Out, In], 'u8') as Tensor<'u8'>);
    } catch {
      return this.bad();
    }
    this.made.push(s.rowPtr, s.colIdx, s.colPtr, s.rowIdx, s.positions);
    if (r < 75) return s;
    const nnz = this.int(0, 6);
    const field = this.pick(['rowPtr', 'colIdx', 'colPtr', 'rowIdx', 'positions'] as const);
    if (r < 90) return { ...s, [field]: this.fresh([field === 'rowPtr' ? Out + 1 : field === 'colPtr' ? In + 1 : nnz], 'i32') };
    if (r < 95) return { ...s, [this.pick(['outFeatures', 'inFeatures', 'nnz'] as const)]: this.bad() };
    s.dispose();
    return s;
  }

  csr(rows: number, cols: number): unknown {
    if (this.chance(0.1)) return this.bad();
    const A = api.denseToCsr(this.fresh([rows, cols]) as Tensor<'f32'>);
    this.made.push(A.rowptr, A.colidx, A.values);
    if (this.chance(0.1)) A.values.dispose();
    if (this.chance(0.05)) return { ...A, rows: this.bad() };
    return A;
  }
}

/** How one call is made: a list of arguments, or `new` for a class. */
export interface Call {
  args: unknown[];
  construct?: boolean;
  /** A Tensor method (or the `disposed` getter), called on `self`. */
  method?: string;
  self?: unknown;
}

type Gen = (g: CallGen) => Call;
const call = (...args: unknown[]): Call => ({ args });

const convGeo = (g: CallGen) => ({ stride: () => g.pair(1), padding: () => g.pair(0) });
const poolGeo = (g: CallGen) => ({ kernelSize: () => g.pair(1), stride: () => g.pair(1), padding: () => g.pair(0) });

function conv(g: CallGen) {
  const [N, C, H, W, K] = [g.dim(), g.dim(), g.int(1, 5), g.int(1, 5), g.dim()];
  const [R, S] = [g.int(1, Math.min(3, H)), g.int(1, Math.min(3, W))];
  return { N, C, H, W, K, R, S, P: H - R + 1, Q: W - S + 1 };
}

function pool(g: CallGen) {
  const [N, C, H, W] = [g.dim(), g.dim(), g.int(2, 6), g.int(2, 6)];
  return { N, C, H, W, P: Math.floor(H / 2), Q: Math.floor(W / 2) };
}

function dense(g: CallGen) {
  return { B: g.dim(), In: g.dim(), Out: g.dim() };
}

function tensorMethod(name: keyof Tensor | 'toString', args: (g: CallGen, t: Tensor) => unknown[]): Gen {
  return (g) => {
    const t = g.fresh([g.dim(), g.dim()], g.pick(['f32', 'u8', 'i32'] as const));
    if (g.chance(0.15)) t.dispose();
    const self = g.pick<unknown>([t, t, t, t, undefined, {}, null, 5]);
    return { args: args(g, t), self, method: name };
  };
}

/** One generator per exported function; the fuzz test fails when an export has none. */
export const generators: Record<string, Gen> = {
  LthError: (g) => ({ args: [g.pick(['ERR_ARG', 'ERR_SHAPE']), 'message'], construct: true }),
  isLthError: (g) => call(g.pick([new api.LthError('ERR_ARG', 'x'), new Error('x'), g.bad()])),
  isTensor: (g) => call(g.chance(0.5) ? g.fresh([1]) : g.bad()),
  resolveDevice: (g) => call(g.device()),
  numelOf: (g) => call(g.chance(0.5) ? [g.dim(), g.dim()] : g.chance(0.5) ? g.badShape() : g.bad()),
  zeros: (g) =>
    call(
      g.chance(0.7) ? [g.dim(), g.dim()] : g.badShape(),
      g.opts({ dtype: () => g.pick(['f32', 'u8', 'i32', 'f64']), device: () => g.device() }),
    ),
  fromArray: (g) => {
    const n = g.int(0, 4);
    return call(g.chance(0.9) ? new Float32Array(n) : g.bad(), g.chance(0.8) ? [n] : g.badShape(), g.opts({ device: () => g.device() }));
  },
  capabilities: () => call(),
  setThreads: (g) => call(g.chance(0.8) ? g.int(1, 2) : g.bad()),
  getThreads: () => call(),
  setKernelVariant: (g) => call(g.pick(['fast', 'reference', 'slow', g.bad()])),
  getKernelVariant: () => call(),
  denseKernelInfo: () => call(),
  gemm: (g) => {
    const [M, K, N] = [g.dim(), g.dim(), g.dim()];
    const A = g.t([M, K]);
    const B = g.t([K, N]);
    return call(A, B, g.opts({ alpha: () => g.num(-1, 1), beta: () => g.num(-1, 1), out: () => g.out([M, N], [A, B]) }));
  },
  maskedDenseForward: (g) => {
    const { B, In, Out } = dense(g);
    const x = g.t([B, In]);
    const W = g.t([Out, In]);
    return call(
      x,
      W,
      g.opts({ mask: () => g.t([Out, In], 'u8'), bias: () => g.t([Out]), relu: () => g.bool(), out: () => g.out([B, Out], [x, W]) }),
    );
  },
  maskedDenseBackward: (g) => {
    const { B, In, Out } = dense(g);
    const [x, W, dy] = [g.t([B, In]), g.t([Out, In]), g.t([B, Out])];
    const ins = [x, W, dy];
    return call(
      x,
      W,
      dy,
      g.opts({
        mask: () => g.t([Out, In], 'u8'),
        dx: () => g.out([B, In], ins) ?? g.bool(),
        dW: () => g.out([Out, In], ins) ?? g.bool(),
        db: () => g.out([Out], ins) ?? g.bool(),
      }),
    );
  },
  maskedDenseForwardBatched: (g) => {
    const { B, In, Out } = dense(g);
    const T = g.int(1, 3);
    const x = g.t(g.bool() ? [T, B, In] : [B, In]);
    const W = g.t([T, Out, In]);
    return call(
      x,
      W,
      g.opts({
        mask: () => g.t([T, Out, In], 'u8'),
        bias: () => g.t([T, Out]),
        relu: () => g.bool(),
        out: () => g.out([T, B, Out], [x, W]),
      }),
    );
  },
  maskedDenseBackwardBatched: (g) => {
    const { B, In, Out } = dense(g);
    const T = g.int(1, 3);
    const [x, W, dy] = [g.t([T, B, In]), g.t([T, Out, In]), g.t([T, B, Out])];
    const ins = [x, W, dy];
    return call(
      x,
      W,
      dy,
      g.opts({
        mask: () => g.t([T, Out, In], 'u8'),
        dx: () => g.out([T, B, In], ins),
        dW: () => g.out([T, Out, In], ins),
        db: () => g.out([T, Out], ins),
      }),
    );
  },
  softmaxCrossEntropyBatched: (g) => {
    const [T, B, C] = [g.int(1, 3), g.dim(), g.dim()];
    const logits = g.t([T, B, C]);
    return call(logits, g.t(g.bool() ? [B] : [T, B], 'i32'), g.opts({ dlogits: () => g.out([T, B, C], [logits]) ?? g.bool() }));
  },
  conv2dOutputShape: (g) => {
    const c = conv(g);
    return call(g.shape([c.N, c.C, c.H, c.W]), g.shape([c.K, c.C, c.R, c.S]), g.opts(convGeo(g)));
  },
  conv2dForward: (g) => {
    const c = conv(g);
    const [x, w] = [g.t([c.N, c.C, c.H, c.W]), g.t([c.K, c.C, c.R, c.S])];
    return call(
      x,
      w,
      g.opts({
        ...convGeo(g),
        mask: () => g.t([c.K, c.C, c.R, c.S], 'u8'),
        bias: () => g.t([c.K]),
        out: () => g.out([c.N, c.K, c.P, c.Q], [x, w]),
      }),
    );
  },
  conv2dBackwardData: (g) => {
    const c = conv(g);
    const [dy, w] = [g.t([c.N, c.K, c.P, c.Q]), g.t([c.K, c.C, c.R, c.S])];
    return call(
      dy,
      w,
      g.shape([c.N, c.C, c.H, c.W]),
      g.opts({ ...convGeo(g), mask: () => g.t([c.K, c.C, c.R, c.S], 'u8'), out: () => g.out([c.N, c.C, c.H, c.W], [dy, w]) }),
    );
  },
  conv2dBackwardFilter: (g) => {
    const c = conv(g);
    const [x, dy] = [g.t([c.N, c.C, c.H, c.W]), g.t([c.N, c.K, c.P, c.Q])];
    return call(
      x,
      dy,
      g.shape([c.K, c.C, c.R, c.S]),
      g.opts({
        ...convGeo(g),
        mask: () => g.t([c.K, c.C, c.R, c.S], 'u8'),
        dw: () => g.out([c.K, c.C, c.R, c.S], [x, dy]),
        db: () => g.out([c.K], [x, dy]) ?? g.bool(),
      }),
    );
  },
  pool2dOutputShape: (g) => {
    const p = pool(g);
    return call(g.shape([p.N, p.C, p.H, p.W]), g.opts(poolGeo(g)));
  },
  maxPool2d: (g) => {
    const p = pool(g);
    const x = g.t([p.N, p.C, p.H, p.W]);
    return call(
      x,
      g.opts({ kernelSize: () => 2, out: () => g.out([p.N, p.C, p.P, p.Q], [x]), argmax: () => g.out([p.N, p.C, p.P, p.Q], [x], 'i32') }),
    );
  },
  maxPool2dBackward: (g) => {
    const p = pool(g);
    const [dy, argmax] = [g.t([p.N, p.C, p.P, p.Q]), g.t([p.N, p.C, p.P, p.Q], 'i32')];
    return call(
      dy,
      argmax,
      g.shape([p.N, p.C, p.H, p.W]),
      g.opts({ kernelSize: () => 2, out: () => g.out([p.N, p.C, p.H, p.W], [dy, argmax]) }),
    );
  },
  avgPool2d: (g) => {
    const p = pool(g);
    const x = g.t([p.N, p.C, p.H, p.W]);
    return call(
      x,
      g.opts({
        ...poolGeo(g),
        kernelSize: () => (g.chance(0.8) ? 2 : g.pair(1)),
        countIncludePad: () => g.bool(),
        out: () => g.out([p.N, p.C, p.P, p.Q], [x]),
      }),
    );
  },
  avgPool2dBackward: (g) => {
    const p = pool(g);
    const dy = g.t([p.N, p.C, p.P, p.Q]);
    return call(
      dy,
      g.shape([p.N, p.C, p.H, p.W]),
      g.opts({ kernelSize: () => 2, countIncludePad: () => g.bool(), out: () => g.out([p.N, p.C, p.H, p.W], [dy]) }),
    );
  },
  globalAvgPool: (g) => {
    const p = pool(g);
    const x = g.t([p.N, p.C, p.H, p.W]);
    return call(x, g.opts({ out: () => g.out([p.N, p.C], [x]) }));
  },
  globalAvgPoolBackward: (g) => {
    const p = pool(g);
    const dy = g.t([p.N, p.C]);
    return call(dy, g.shape([p.N, p.C, p.H, p.W]), g.opts({ out: () => g.out([p.N, p.C, p.H, p.W], [dy]) }));
  },
  relu: (g) => {
    const x = g.t([g.dim(), g.dim()]);
    return call(x, g.opts({ out: () => g.out(api.isTensor(x) ? x.shape : [1], [x]) }));
  },
  reluBackward: (g) => {
    const s = [g.dim(), g.dim()];
    const [y, dy] = [g.t(s), g.t(s)];
    return call(y, dy, g.opts({ out: () => g.out(s, [y, dy]) }));
  },
  dropout: (g) => {
    const s = [g.dim(), g.dim()];
    const x = g.t(s);
    return call(x, g.num(0, 0.9), g.seed(), g.opts({ out: () => g.out(s, [x]), keep: () => g.out(s, [x], 'u8') }));
  },
  dropoutBackward: (g) => {
    const s = [g.dim(), g.dim()];
    const [dy, keep] = [g.t(s), g.t(s, 'u8')];
    return call(dy, keep, g.num(0, 0.9), g.opts({ out: () => g.out(s, [dy, keep]) }));
  },
  add: (g) => {
    const s = [g.dim(), g.dim()];
    const [a, b] = [g.t(s), g.t(s)];
    return call(a, b, g.opts({ out: () => g.out(s, [a, b]) }));
  },
  batchNormTrain: (g) => {
    const [N, C, H] = [g.dim(), g.dim(), g.dim()];
    const x = g.t([N, C, H]);
    const [gamma, beta, rm, rv] = [g.t([C]), g.t([C]), g.out([C], [x]), g.out([C], [x])];
    return call(
      x,
      gamma,
      beta,
      rm ?? null,
      rv ?? null,
      g.opts({
        eps: () => g.num(0, 1e-3),
        momentum: () => g.num(0, 1),
        out: () => g.out([N, C, H], [x, gamma, beta]),
        saveMean: () => g.out([C], [x, gamma]),
        saveInvstd: () => g.out([C], [x, beta]),
      }),
    );
  },
  batchNormEval: (g) => {
    const [N, C, H] = [g.dim(), g.dim(), g.dim()];
    const x = g.t([N, C, H]);
    return call(x, g.t([C]), g.t([C]), g.t([C]), g.t([C]), g.opts({ eps: () => g.num(0, 1e-3), out: () => g.out([N, C, H], [x]) }));
  },
  batchNormBackward: (g) => {
    const [N, C, H] = [g.dim(), g.dim(), g.dim()];
    const [x, gamma, mean, invstd, dy] = [g.t([N, C, H]), g.t([C]), g.t([C]), g.t([C]), g.t([N, C, H])];
    const ins = [x, gamma, mean, invstd, dy];
    return call(
      x,
      gamma,
      mean,
      invstd,
      dy,
      g.opts({ dx: () => g.out([N, C, H], ins) ?? g.bool(), dgamma: () => g.out([C], ins), dbeta: () => g.out([C], ins) }),
    );
  },
  softmaxCrossEntropy: (g) => {
    const [B, C] = [g.dim(), g.dim()];
    const logits = g.t([B, C]);
    return call(logits, g.t([B], 'i32'), g.opts({ dlogits: () => g.out([B, C], [logits]) ?? g.bool() }));
  },
  sigmoidBinaryCrossEntropy: (g) => {
    const B = g.dim();
    const logits = g.t([B]);
    const labels = g.t([B]);
    return call(logits, labels, g.opts({ dlogits: () => g.out([B], [logits, labels]) ?? g.bool() }));
  },
  sgdStep: (g) => {
    const s = [g.dim(), g.dim()];
    const [w, grad] = [g.t(s), g.t(s)];
    const momentum = g.chance(0.5) ? 0 : g.num(0, 0.9);
    return call(
      w,
      g.chance(0.1) ? w : grad,
      g.opts({
        lr: () => g.num(0, 0.1),
        mask: () => g.t(s, 'u8'),
        positions: () => g.t([g.int(0, 4)], 'i32'),
        velocity: () => g.out(s, [w, grad]),
        momentum: () => momentum,
        dampening: () => g.num(0, 0.5),
        weightDecay: () => g.num(0, 0.1),
        nesterov: () => g.bool(),
      }) ?? { lr: 0.1 },
    );
  },
  adamStep: (g) => {
    const s = [g.dim(), g.dim()];
    const [w, grad] = [g.t(s), g.t(s)];
    const m = g.chance(0.1) ? w : g.t(s);
    const v = g.chance(0.1) ? m : g.t(s);
    return call(
      w,
      grad,
      g.chance(0.9)
        ? {
            lr: g.num(0, 0.1),
            step: g.chance(0.9) ? g.int(1, 5) : g.bad(),
            m,
            v,
            mask: g.chance(0.5) ? g.t(s, 'u8') : undefined,
            positions: g.chance(0.3) ? g.t([g.int(0, 4)], 'i32') : undefined,
            decoupled: g.bool(),
          }
        : g.bad(),
    );
  },
  sparseDenseStructure: (g) => call(g.t([g.dim(), g.dim()], 'u8')),
  sparseDenseForward: (g) => {
    const { B, In, Out } = dense(g);
    const x = g.t([B, In]);
    const W = g.t([Out, In]);
    return call(x, W, g.structure(Out, In), g.opts({ bias: () => g.t([Out]), relu: () => g.bool(), out: () => g.out([B, Out], [x, W]) }));
  },
  sparseDenseBackward: (g) => {
    const { B, In, Out } = dense(g);
    const [x, W, dy] = [g.t([B, In]), g.t([Out, In]), g.t([B, Out])];
    const ins = [x, W, dy];
    return call(
      x,
      W,
      dy,
      g.structure(Out, In),
      g.opts({
        dx: () => g.out([B, In], ins) ?? g.bool(),
        dW: () => g.out([Out, In], ins) ?? g.bool(),
        db: () => g.out([Out], ins) ?? g.bool(),
      }),
    );
  },
  countNonzero: (g) => call(g.t([g.dim(), g.dim()], 'u8')),
  magnitudePrune: (g) => {
    const n = g.int(1, 3);
    const shapes = Array.from({ length: n }, () => [g.dim(), g.dim()]);
    const weights = shapes.map((s) => g.t(s));
    const masks = shapes.map((s) => (g.chance(0.3) ? null : g.t(s, 'u8')));
    const out = g.chance(0.5)
      ? undefined
      : shapes.map((s, i) => (g.chance(0.2) ? g.pick([...masks, ...weights]) : g.chance(0.3) ? masks[i] : g.t(s, 'u8')));
    return call(
      g.chance(0.95) ? weights : g.bad(),
      g.chance(0.95) ? masks : g.bad(),
      g.chance(0.8) ? g.int(0, 4) : g.bad(),
      out ? { out } : g.opts({}),
    );
  },
  pruneByFraction: (g) => {
    const n = g.int(1, 3);
    const shapes = Array.from({ length: n }, () => [g.dim(), g.dim()]);
    return call(
      shapes.map((s) => g.t(s)),
      shapes.map((s) => (g.chance(0.3) ? null : g.t(s, 'u8'))),
      g.chance(0.5) ? g.num(0, 1) : shapes.map(() => g.num(0, 1)),
      g.pick(['layerwise', 'global', 'other', g.bad()]),
    );
  },
  shuffleMask: (g) => {
    const s = [g.dim(), g.dim()];
    const mask = g.t(s, 'u8');
    return call(mask, g.seed(), g.opts({ out: () => g.out(s, [mask], 'u8') }));
  },
  denseNnz: (g) => {
    const s = [g.dim(), g.dim()];
    return call(g.t(s), g.opts({ mask: () => g.t(s, 'u8') }));
  },
  denseToCsr: (g) => {
    const s = [g.dim(), g.dim()];
    return call(g.t(s), g.opts({ mask: () => g.t(s, 'u8') }));
  },
  validateCsr: (g) => {
    const rows = g.int(0, 4);
    const nnz = g.int(0, 3);
    return call(
      g.chance(0.9)
        ? {
            rows,
            cols: g.dim(),
            rowptr: Int32Array.from({ length: rows + 1 }, () => g.int(0, nnz)),
            colidx: new Int32Array(nnz),
            values: new Float32Array(nnz),
          }
        : g.bad(),
    );
  },
  csrFromArrays: (g) => {
    const rows = g.int(0, 4);
    const rowptr = new Int32Array(rows + 1);
    return call(
      g.chance(0.9) ? { rows, cols: g.dim(), rowptr, colidx: new Int32Array(0), values: new Float32Array(0) } : g.bad(),
      g.opts({ device: () => g.device() }),
    );
  },
  csrToArrays: (g) => call(g.csr(g.dim(), g.dim())),
  csrToDense: (g) => {
    const [r, c] = [g.dim(), g.dim()];
    const A = g.csr(r, c);
    return call(A, g.opts({ out: () => g.out([r, c], api.isTensor((A as api.CsrMatrix)?.values) ? [(A as api.CsrMatrix).values] : []) }));
  },
  csrSpmm: (g) => {
    const [r, c, n] = [g.dim(), g.dim(), g.dim()];
    const A = g.csr(r, c);
    const B = g.t([c, n]);
    return call(A, B, g.opts({ bias: () => g.t([r]), relu: () => g.bool(), out: () => g.out([r, n], [B]) }));
  },
  gatherRows: (g) => {
    const [rows, k, n] = [g.dim(), g.dim(), g.dim()];
    const table = g.t([rows, k], g.pick(['f32', 'i32'] as const));
    const index = g.t([n], 'i32');
    return call(
      table,
      index,
      g.opts({ out: () => g.out([n, k], [table, index], api.isTensor(table) && table.dtype === 'i32' ? 'i32' : 'f32') }),
    );
  },
  flipTranslate: (g) => {
    const [n, C, H, W] = [g.dim(), g.dim(), g.dim(), g.dim()];
    const src = g.t([n, C, H, W]);
    return call(src, g.t([n, 3], 'i32'), g.opts({ out: () => g.out([n, C, H, W], [src]) }));
  },
};

/** The Tensor methods, fuzzed detached, on other receivers and with bad arguments. */
export const methodGenerators: Record<string, Gen> = {
  'Tensor#upload': tensorMethod('upload', (g, t) => [g.chance(0.5) ? new Float32Array(t.numel) : g.bad()]),
  'Tensor#download': tensorMethod('download', () => []),
  'Tensor#dispose': tensorMethod('dispose', () => []),
  'Tensor#reshape': tensorMethod('reshape', (g, t) => [g.chance(0.4) ? [t.numel] : g.chance(0.5) ? g.badShape() : g.bad()]),
  'Tensor#zero': tensorMethod('zero', () => []),
  'Tensor#toString': tensorMethod('toString', () => []),
  'Tensor#disposed': tensorMethod('disposed', () => []),
};
