// Float64 references for the dense ops. Row-major; W is [Out, In]; masks are 0/1.
export function gemmRef(
  ta: boolean,
  tb: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  beta: number,
  C: ArrayLike<number> | null,
): Float64Array {
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += A[ta ? k * M + i : i * K + k]! * B[tb ? j * K + k : k * N + j]!;
      out[i * N + j] = alpha * acc + (beta === 0 || !C ? 0 : beta * C[i * N + j]!);
    }
  }
  return out;
}

export function maskedWeights(W: ArrayLike<number>, mask: ArrayLike<number> | null): Float64Array {
  const out = Float64Array.from(W as ArrayLike<number>);
  if (mask) for (let i = 0; i < out.length; i++) if (!mask[i]) out[i] = 0;
  return out;
}

export function denseForwardRef(
  B: number,
  In: number,
  Out: number,
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  bias: ArrayLike<number> | null,
  relu: boolean,
): Float64Array {
  const Wm = maskedWeights(W, mask);
  const y = new Float64Array(B * Out);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Out; o++) {
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < In; i++) acc += x[b * In + i]! * Wm[o * In + i]!;
      y[b * Out + o] = relu ? Math.max(acc, 0) : acc;
    }
  }
  return y;
}

export function denseBackwardRef(
  B: number,
  In: number,
  Out: number,
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  dy: ArrayLike<number>,
): { dx: Float64Array; dW: Float64Array; db: Float64Array } {
  const Wm = maskedWeights(W, mask);
  // Monomorphic Float64Array copies keep the inner loop fast whatever array types the caller passes.
  const xs = Float64Array.from(x as ArrayLike<number>);
  const keep = Float64Array.from(mask ?? new Float64Array(Out * In).fill(1), (v) => (v ? 1 : 0));
  const dx = new Float64Array(B * In);
  const dW = new Float64Array(Out * In);
  const db = new Float64Array(Out);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Out; o++) {
      const g = dy[b * Out + o]!;
      db[o]! += g;
      for (let i = 0; i < In; i++) {
        dx[b * In + i]! += g * Wm[o * In + i]!;
        if (keep[o * In + i]) dW[o * In + i]! += g * xs[b * In + i]!;
      }
    }
  }
  return { dx, dW, db };
}
