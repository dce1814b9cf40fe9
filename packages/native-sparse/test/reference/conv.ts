// Float64 references for 2-D convolution (NCHW, cross-correlation). The backward pass is written as a
// scatter (each forward product sends its gradient back), independent of the kernels' gather loops.
export interface ConvGeom {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  R: number;
  S: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  P: number;
  Q: number;
}

export function convGeom(
  N: number,
  C: number,
  H: number,
  W: number,
  K: number,
  R: number,
  S: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
): ConvGeom {
  return { N, C, H, W, K, R, S, sh, sw, ph, pw, P: Math.floor((H + 2 * ph - R) / sh) + 1, Q: Math.floor((W + 2 * pw - S) / sw) + 1 };
}

function masked(w: ArrayLike<number>, mask: ArrayLike<number> | null): Float64Array {
  const out = Float64Array.from(w as ArrayLike<number>);
  if (mask) for (let i = 0; i < out.length; i++) if (!mask[i]) out[i] = 0;
  return out;
}

/** y[n,k,p,q] = bias[k] + Σ_{c,r,s} x[n,c,p·sh − ph + r, q·sw − pw + s] · (w ⊙ mask)[k,c,r,s]. */
export function conv2dForwardRef(
  g: ConvGeom,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  bias: ArrayLike<number> | null,
): Float64Array {
  const { N, C, H, W, K, R, S, sh, sw, ph, pw, P, Q } = g;
  const wm = masked(w, mask);
  const y = new Float64Array(N * K * P * Q);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++) {
          let acc = bias ? bias[k]! : 0;
          for (let c = 0; c < C; c++)
            for (let r = 0; r < R; r++) {
              const h = p * sh - ph + r;
              if (h < 0 || h >= H) continue;
              const xrow = ((n * C + c) * H + h) * W,
                wrow = ((k * C + c) * R + r) * S;
              for (let s = 0; s < S; s++) {
                const wi = q * sw - pw + s;
                if (wi >= 0 && wi < W) acc += x[xrow + wi]! * wm[wrow + s]!;
              }
            }
          y[((n * K + k) * P + p) * Q + q] = acc;
        }
  return y;
}

/** Scatter form: every forward product x·w sends dy·w to dx and dy·x to dw. */
export function conv2dBackwardRef(
  g: ConvGeom,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  dy: ArrayLike<number>,
): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const { N, C, H, W, K, R, S, sh, sw, ph, pw, P, Q } = g;
  const wm = masked(w, mask);
  const dx = new Float64Array(N * C * H * W);
  const dw = new Float64Array(K * C * R * S);
  const db = new Float64Array(K);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let p = 0; p < P; p++)
        for (let q = 0; q < Q; q++) {
          const gy = dy[((n * K + k) * P + p) * Q + q]!;
          db[k]! += gy;
          for (let c = 0; c < C; c++)
            for (let r = 0; r < R; r++) {
              const h = p * sh - ph + r;
              if (h < 0 || h >= H) continue;
              const xrow = ((n * C + c) * H + h) * W,
                wrow = ((k * C + c) * R + r) * S;
              for (let s = 0; s < S; s++) {
                const wi = q * sw - pw + s;
                if (wi < 0 || wi >= W) continue;
                dx[xrow + wi]! += gy * wm[wrow + s]!;
                dw[wrow + s]! += gy * x[xrow + wi]!;
              }
            }
        }
  if (mask) for (let i = 0; i < dw.length; i++) if (!mask[i]) dw[i] = 0;
  return { dx, dw, db };
}

// Single-element gathers, for checking large cases at sampled positions without the full reference.

export function conv2dForwardAt(
  g: ConvGeom,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  bias: ArrayLike<number> | null,
  yi: number,
): number {
  const { C, H, W, K, R, S, sh, sw, ph, pw, P, Q } = g;
  const q = yi % Q,
    p = Math.floor(yi / Q) % P,
    k = Math.floor(yi / (P * Q)) % K,
    n = Math.floor(yi / (K * P * Q));
  let acc = bias ? bias[k]! : 0;
  for (let c = 0; c < C; c++)
    for (let r = 0; r < R; r++)
      for (let s = 0; s < S; s++) {
        const h = p * sh - ph + r,
          wi = q * sw - pw + s,
          j = ((k * C + c) * R + r) * S + s;
        if (h >= 0 && h < H && wi >= 0 && wi < W && (!mask || mask[j])) acc += x[((n * C + c) * H + h) * W + wi]! * w[j]!;
      }
  return acc;
}

export function conv2dDxAt(g: ConvGeom, w: ArrayLike<number>, mask: ArrayLike<number> | null, dy: ArrayLike<number>, xi: number): number {
  const { C, H, W, K, R, S, sh, sw, ph, pw, P, Q } = g;
  const wi = xi % W,
    h = Math.floor(xi / W) % H,
    c = Math.floor(xi / (H * W)) % C,
    n = Math.floor(xi / (C * H * W));
  let acc = 0;
  for (let k = 0; k < K; k++)
    for (let r = 0; r < R; r++)
      for (let s = 0; s < S; s++) {
        const ps = h + ph - r,
          qs = wi + pw - s,
          j = ((k * C + c) * R + r) * S + s;
        if (ps < 0 || qs < 0 || ps % sh || qs % sw || ps / sh >= P || qs / sw >= Q || (mask && !mask[j])) continue;
        acc += dy[((n * K + k) * P + ps / sh) * Q + qs / sw]! * w[j]!;
      }
  return acc;
}

export function conv2dDwAt(g: ConvGeom, x: ArrayLike<number>, dy: ArrayLike<number>, mask: ArrayLike<number> | null, j: number): number {
  const { N, C, H, W, K, R, S, sh, sw, ph, pw, P, Q } = g;
  if (mask && !mask[j]) return 0;
  const s = j % S,
    r = Math.floor(j / S) % R,
    c = Math.floor(j / (R * S)) % C,
    k = Math.floor(j / (C * R * S));
  let acc = 0;
  for (let n = 0; n < N; n++)
    for (let p = 0; p < P; p++) {
      const h = p * sh - ph + r;
      if (h < 0 || h >= H) continue;
      for (let q = 0; q < Q; q++) {
        const wi = q * sw - pw + s;
        if (wi >= 0 && wi < W) acc += x[((n * C + c) * H + h) * W + wi]! * dy[((n * K + k) * P + p) * Q + q]!;
      }
    }
  return acc;
}
