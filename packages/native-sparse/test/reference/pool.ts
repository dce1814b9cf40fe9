// Float64 references for pooling over NCHW planes.
export interface PoolGeom {
  N: number;
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  P: number;
  Q: number;
}

export function poolGeom(
  N: number,
  C: number,
  H: number,
  W: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
): PoolGeom {
  return { N, C, H, W, kh, kw, sh, sw, ph, pw, P: Math.floor((H + 2 * ph - kh) / sh) + 1, Q: Math.floor((W + 2 * pw - kw) / sw) + 1 };
}

/** In-bounds flat indices h·W + w of window (p, q), row-major. */
function windowIndices(g: PoolGeom, p: number, q: number): number[] {
  const out: number[] = [];
  for (let h = p * g.sh - g.ph; h < p * g.sh - g.ph + g.kh; h++)
    for (let w = q * g.sw - g.pw; w < q * g.sw - g.pw + g.kw; w++) if (h >= 0 && h < g.H && w >= 0 && w < g.W) out.push(h * g.W + w);
  return out;
}

/** Max pooling: padding is −inf, the first maximum in row-major window order wins. */
export function maxPoolRef(g: PoolGeom, x: ArrayLike<number>): { y: Float64Array; argmax: Int32Array } {
  const planes = g.N * g.C,
    HW = g.H * g.W,
    PQ = g.P * g.Q;
  const y = new Float64Array(planes * PQ);
  const argmax = new Int32Array(planes * PQ);
  for (let i = 0; i < planes; i++)
    for (let p = 0; p < g.P; p++)
      for (let q = 0; q < g.Q; q++) {
        const idx = windowIndices(g, p, q);
        let best = -Infinity;
        let arg = idx[0]!;
        for (const j of idx) {
          if (x[i * HW + j]! > best) {
            best = x[i * HW + j]!;
            arg = j;
          }
        }
        y[i * PQ + p * g.Q + q] = best;
        argmax[i * PQ + p * g.Q + q] = arg;
      }
  return { y, argmax };
}

export function maxPoolBackwardRef(g: PoolGeom, dy: ArrayLike<number>, argmax: ArrayLike<number>): Float64Array {
  const HW = g.H * g.W,
    PQ = g.P * g.Q;
  const dx = new Float64Array(g.N * g.C * HW);
  for (let i = 0; i < g.N * g.C; i++) for (let j = 0; j < PQ; j++) dx[i * HW + argmax[i * PQ + j]!]! += dy[i * PQ + j]!;
  return dx;
}

function divisor(g: PoolGeom, includePad: boolean, inBounds: number): number {
  return includePad ? g.kh * g.kw : inBounds;
}

export function avgPoolRef(g: PoolGeom, includePad: boolean, x: ArrayLike<number>): Float64Array {
  const HW = g.H * g.W,
    PQ = g.P * g.Q;
  const y = new Float64Array(g.N * g.C * PQ);
  for (let i = 0; i < g.N * g.C; i++)
    for (let p = 0; p < g.P; p++)
      for (let q = 0; q < g.Q; q++) {
        const idx = windowIndices(g, p, q);
        let s = 0;
        for (const j of idx) s += x[i * HW + j]!;
        y[i * PQ + p * g.Q + q] = s / divisor(g, includePad, idx.length);
      }
  return y;
}

export function avgPoolBackwardRef(g: PoolGeom, includePad: boolean, dy: ArrayLike<number>): Float64Array {
  const HW = g.H * g.W,
    PQ = g.P * g.Q;
  const dx = new Float64Array(g.N * g.C * HW);
  for (let i = 0; i < g.N * g.C; i++)
    for (let p = 0; p < g.P; p++)
      for (let q = 0; q < g.Q; q++) {
        const idx = windowIndices(g, p, q);
        const v = dy[i * PQ + p * g.Q + q]! / divisor(g, includePad, idx.length);
        for (const j of idx) dx[i * HW + j]! += v;
      }
  return dx;
}

export function globalAvgPoolRef(N: number, C: number, HW: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(N * C);
  for (let i = 0; i < N * C; i++) {
    let s = 0;
    for (let j = 0; j < HW; j++) s += x[i * HW + j]!;
    y[i] = s / HW;
  }
  return y;
}

export function globalAvgPoolBackwardRef(N: number, C: number, HW: number, dy: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(N * C * HW);
  for (let i = 0; i < N * C; i++) for (let j = 0; j < HW; j++) dx[i * HW + j] = dy[i]! / HW;
  return dx;
}
