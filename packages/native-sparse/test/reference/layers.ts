// Float64 references for the layer ops, and the documented dropout mask (rng.h) re-derived with BigInt.
export function reluRef(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x as ArrayLike<number>, (v) => (v < 0 ? 0 : v));
}

export function reluBackwardRef(y: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from(dy as ArrayLike<number>, (g, i) => (y[i]! > 0 ? g : 0));
}

// ---- rng.h: splitmix64 finaliser, bits(seed, i) = mix64(mix64(seed) + φ·(i + 1)), uniform = (bits >> 40)·2^-24
const M64 = (1n << 64n) - 1n;
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

export function rngUniform(seed: bigint, i: number): number {
  const bits = mix64((mix64(seed & M64) + 0x9e3779b97f4a7c15n * BigInt(i + 1)) & M64);
  return Number(bits >> 40n) / 16777216;
}

/** keep[i] = uniform(seed, i) >= p (p compared as float32, like the kernels). */
export function dropoutMaskRef(n: number, p: number, seed: bigint): Uint8Array {
  const pf = Math.fround(p);
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = rngUniform(seed, i) >= pf ? 1 : 0;
  return keep;
}

/** The exact float32 value of keep ? x / (1 − p) : 0. */
export function dropoutValueRef(x: number, keep: number, p: number): number {
  return keep ? Math.fround(x / Math.fround(1 - Math.fround(p))) : 0;
}

export interface BatchNormTrainRef {
  y: Float64Array;
  mean: Float64Array;
  invstd: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** Per channel over x [N,C,HW]: biased variance to normalise, unbiased for the running average. */
export function batchNormTrainRef(
  N: number,
  C: number,
  HW: number,
  x: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  eps: number,
  momentum: number,
): BatchNormTrainRef {
  const M = N * HW;
  const y = new Float64Array(N * C * HW);
  const mean = new Float64Array(C),
    invstd = new Float64Array(C);
  const rm = Float64Array.from(runningMean as ArrayLike<number>),
    rv = Float64Array.from(runningVar as ArrayLike<number>);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let j = 0; j < HW; j++) s += x[(n * C + c) * HW + j]!;
    const mu = s / M;
    let sq = 0;
    for (let n = 0; n < N; n++) for (let j = 0; j < HW; j++) sq += (x[(n * C + c) * HW + j]! - mu) ** 2;
    const is = 1 / Math.sqrt(sq / M + eps);
    mean[c] = mu;
    invstd[c] = is;
    for (let n = 0; n < N; n++)
      for (let j = 0; j < HW; j++) {
        const i = (n * C + c) * HW + j;
        y[i] = (x[i]! - mu) * is * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
      }
    rm[c] = (1 - momentum) * rm[c]! + momentum * mu;
    rv[c] = (1 - momentum) * rv[c]! + momentum * (sq / (M - 1));
  }
  return { y, mean, invstd, runningMean: rm, runningVar: rv };
}

export function batchNormEvalRef(
  N: number,
  C: number,
  HW: number,
  x: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  eps: number,
): Float64Array {
  const y = new Float64Array(N * C * HW);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let j = 0; j < HW; j++) {
        const i = (n * C + c) * HW + j;
        y[i] = ((x[i]! - runningMean[c]!) / Math.sqrt(runningVar[c]! + eps)) * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
      }
  return y;
}

/** Backward of training-mode batch norm given the saved per-channel mean and invstd. */
export function batchNormBackwardRef(
  N: number,
  C: number,
  HW: number,
  x: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  mean: ArrayLike<number>,
  invstd: ArrayLike<number>,
  dy: ArrayLike<number>,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const M = N * HW;
  const dx = new Float64Array(N * C * HW),
    dgamma = new Float64Array(C),
    dbeta = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let sdy = 0,
      sdyx = 0;
    for (let n = 0; n < N; n++)
      for (let j = 0; j < HW; j++) {
        const i = (n * C + c) * HW + j;
        sdy += dy[i]!;
        sdyx += dy[i]! * (x[i]! - mean[c]!) * invstd[c]!;
      }
    dbeta[c] = sdy;
    dgamma[c] = sdyx;
    const g = gamma ? gamma[c]! : 1;
    for (let n = 0; n < N; n++)
      for (let j = 0; j < HW; j++) {
        const i = (n * C + c) * HW + j;
        const xhat = (x[i]! - mean[c]!) * invstd[c]!;
        dx[i] = g * invstd[c]! * (dy[i]! - sdy / M - (xhat * sdyx) / M);
      }
  }
  return { dx, dgamma, dbeta };
}

/** Mean softmax cross-entropy, correct count (first maximum), and (softmax − onehot)/B. */
export function softmaxCrossEntropyRef(
  B: number,
  C: number,
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
): { loss: number; correct: number; dlogits: Float64Array } {
  const dlogits = new Float64Array(B * C);
  let total = 0,
    correct = 0;
  for (let b = 0; b < B; b++) {
    let arg = 0;
    for (let j = 1; j < C; j++) if (logits[b * C + j]! > logits[b * C + arg]!) arg = j;
    const m = logits[b * C + arg]!;
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(logits[b * C + j]! - m);
    const lse = m + Math.log(s);
    const label = labels[b]!;
    total += lse - logits[b * C + label]!;
    if (arg === label) correct++;
    for (let j = 0; j < C; j++) dlogits[b * C + j] = (Math.exp(logits[b * C + j]! - lse) - (j === label ? 1 : 0)) / B;
  }
  return { loss: B > 0 ? total / B : 0, correct, dlogits };
}

/** Mean sigmoid binary cross-entropy (softplus form), correct count ((z > 0) == (y > 0.5)), (σ(z) − y)/B. */
export function sigmoidBinaryCrossEntropyRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
): { loss: number; correct: number; dlogits: Float64Array } {
  const B = logits.length;
  const dlogits = new Float64Array(B);
  let total = 0,
    correct = 0;
  for (let b = 0; b < B; b++) {
    const z = logits[b]!,
      y = labels[b]!;
    total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    if (z > 0 === y > 0.5) correct++;
    const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    dlogits[b] = (s - y) / B;
  }
  return { loss: B > 0 ? total / B : 0, correct, dlogits };
}
