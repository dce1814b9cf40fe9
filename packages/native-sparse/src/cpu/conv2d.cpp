// 2-D convolution (NCHW, cross-correlation like PyTorch) with a weight mask, on the CPU: forward,
// gradient w.r.t. the input (backward data) and w.r.t. the weights and bias (backward filter).
//
// ref:: are the plain loops that define the ops (double accumulation). The fast kernels lower the
// convolution to GEMM through im2col over *tiles* of output rows: the N·P output rows (n, p) are cut into
// tiles so that one tile's column matrix col[C·R·S, T·Q] stays within a fixed scratch budget, whatever the
// batch size or image size. A tile holds several whole images (small images), exactly one image (the
// common case: GEMM reads and writes the tensors in place, no copies), or a band of rows of one image
// (large images). Per tile: im2col / col2im run parallel over independent rows or (n, c) planes, and
// lth::cpu::gemm (itself parallel) does the arithmetic, so there is no nested parallelism.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace ref {

void conv2d_forward(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask,
                    const float* bias, float* y) {
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t p = 0; p < g.P; ++p)
        for (int64_t q = 0; q < g.Q; ++q) {
          double acc = bias ? bias[k] : 0.0;
          for (int64_t c = 0; c < g.C; ++c)
            for (int64_t r = 0; r < g.R; ++r) {
              int64_t h = p * g.stride_h - g.pad_h + r;
              if (h < 0 || h >= g.H) continue;
              for (int64_t s = 0; s < g.S; ++s) {
                int64_t wi = q * g.stride_w - g.pad_w + s;
                if (wi < 0 || wi >= g.W) continue;
                int64_t widx = ((k * g.C + c) * g.R + r) * g.S + s;
                if (mask && !mask[widx]) continue;
                acc += static_cast<double>(x[((n * g.C + c) * g.H + h) * g.W + wi]) * w[widx];
              }
            }
          y[((n * g.K + k) * g.P + p) * g.Q + q] = static_cast<float>(acc);
        }
}

void conv2d_backward_data(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask,
                          float* dx) {
  // dx[n,c,h,w] = Σ_{k,r,s} dy[n,k,p,q]·w[k,c,r,s] over the (p,q) with p·sh − ph + r = h, q·sw − pw + s = w.
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t h = 0; h < g.H; ++h)
        for (int64_t wi = 0; wi < g.W; ++wi) {
          double acc = 0;
          for (int64_t k = 0; k < g.K; ++k)
            for (int64_t r = 0; r < g.R; ++r) {
              int64_t ph = h + g.pad_h - r;
              if (ph < 0 || ph % g.stride_h != 0 || ph / g.stride_h >= g.P) continue;
              int64_t p = ph / g.stride_h;
              for (int64_t s = 0; s < g.S; ++s) {
                int64_t qw = wi + g.pad_w - s;
                if (qw < 0 || qw % g.stride_w != 0 || qw / g.stride_w >= g.Q) continue;
                int64_t q = qw / g.stride_w;
                int64_t widx = ((k * g.C + c) * g.R + r) * g.S + s;
                if (mask && !mask[widx]) continue;
                acc += static_cast<double>(dy[((n * g.K + k) * g.P + p) * g.Q + q]) * w[widx];
              }
            }
          dx[((n * g.C + c) * g.H + h) * g.W + wi] = static_cast<float>(acc);
        }
}

void conv2d_backward_filter(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask,
                            float* dw, float* db) {
  for (int64_t k = 0; k < g.K; ++k)
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t r = 0; r < g.R; ++r)
        for (int64_t s = 0; s < g.S; ++s) {
          int64_t widx = ((k * g.C + c) * g.R + r) * g.S + s;
          double acc = 0;
          if (!mask || mask[widx]) {
            for (int64_t n = 0; n < g.N; ++n)
              for (int64_t p = 0; p < g.P; ++p) {
                int64_t h = p * g.stride_h - g.pad_h + r;
                if (h < 0 || h >= g.H) continue;
                for (int64_t q = 0; q < g.Q; ++q) {
                  int64_t wi = q * g.stride_w - g.pad_w + s;
                  if (wi < 0 || wi >= g.W) continue;
                  acc += static_cast<double>(x[((n * g.C + c) * g.H + h) * g.W + wi]) *
                         dy[((n * g.K + k) * g.P + p) * g.Q + q];
                }
              }
          }
          dw[widx] = static_cast<float>(acc);
        }
  if (db) {
    for (int64_t k = 0; k < g.K; ++k) {
      double acc = 0;
      for (int64_t n = 0; n < g.N; ++n)
        for (int64_t pq = 0; pq < g.P * g.Q; ++pq) acc += dy[(n * g.K + k) * g.P * g.Q + pq];
      db[k] = static_cast<float>(acc);
    }
  }
}

}  // namespace ref

namespace {

// Scratch budget, in floats, for one tile's column matrix and for its GEMM output (4 MiB each).
constexpr int64_t kTileBudget = int64_t{1} << 20;

// Work per parallel chunk, in floats touched, below which splitting costs more than it gains.
constexpr int64_t kMinChunk = int64_t{1} << 14;

int64_t grain_for(int64_t work_per_item) { return std::max<int64_t>(1, kMinChunk / std::max<int64_t>(1, work_per_item)); }

// 1×1, stride 1, no padding: the input planes already are the column matrix.
bool is_pointwise(const Conv2dGeom& g) {
  return g.R == 1 && g.S == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 && g.pad_w == 0;
}

// Output rows (n, p) per tile. An image that fits is never split, and tiles then hold whole images.
int64_t rows_per_tile(const Conv2dGeom& g) {
  if (is_pointwise(g)) return g.P;  // one image per tile, used in place
  int64_t per_row = std::max<int64_t>(1, std::max(g.C * g.R * g.S, g.K) * g.Q);
  int64_t rows = std::max<int64_t>(1, kTileBudget / per_row);
  if (rows >= g.P) rows = rows / g.P * g.P;
  return std::min(rows, g.N * g.P);
}

// The range of q for which q·stride − pad + s lies in [0, W): [lo, hi).
inline void valid_q(const Conv2dGeom& g, int64_t s, int64_t& lo, int64_t& hi) {
  int64_t off = g.pad_w - s;  // w = q·sw − off
  lo = off <= 0 ? 0 : (off + g.stride_w - 1) / g.stride_w;
  hi = g.W - 1 + off < 0 ? 0 : (g.W - 1 + off) / g.stride_w + 1;
  lo = std::min(lo, g.Q);
  hi = std::min(std::max(hi, lo), g.Q);
}

// col[(c·R + r)·S + s, (t − t0)·Q + q] = x[n, c, p·sh − ph + r, q·sw − pw + s] (0 in the padding), t = n·P + p.
void im2col_tile(const Conv2dGeom& g, const float* x, int64_t t0, int64_t t1, float* col) {
  const int64_t TQ = (t1 - t0) * g.Q, RS = g.R * g.S;
  parallel_for(g.C * RS, grain_for(TQ), [&](int64_t a, int64_t b) {
    for (int64_t row = a; row < b; ++row) {
      const int64_t c = row / RS, r = (row / g.S) % g.R, s = row % g.S;
      int64_t qlo, qhi;
      valid_q(g, s, qlo, qhi);
      float* dst = col + row * TQ;
      for (int64_t t = t0; t < t1; ++t, dst += g.Q) {
        const int64_t n = t / g.P, p = t % g.P, h = p * g.stride_h - g.pad_h + r;
        if (h < 0 || h >= g.H) {
          std::fill(dst, dst + g.Q, 0.0f);
          continue;
        }
        const float* xrow = x + ((n * g.C + c) * g.H + h) * g.W;
        const int64_t off = s - g.pad_w;  // input column of q is q·sw + off, in [0, W) for q in [qlo, qhi)
        std::fill(dst, dst + qlo, 0.0f);
        if (g.stride_w == 1) {
          if (qhi > qlo) std::memcpy(dst + qlo, xrow + qlo + off, static_cast<size_t>(qhi - qlo) * sizeof(float));
        } else {
          for (int64_t q = qlo; q < qhi; ++q) dst[q] = xrow[q * g.stride_w + off];
        }
        std::fill(dst + qhi, dst + g.Q, 0.0f);
      }
    }
  });
}

// dx[n, c, p·sh − ph + r, q·sw − pw + s] += dcol[(c·R + r)·S + s, (t − t0)·Q + q]. Parallel over the (n, c)
// planes the tile touches, so no two threads write the same element.
void col2im_tile_add(const Conv2dGeom& g, const float* dcol, int64_t t0, int64_t t1, float* dx) {
  const int64_t TQ = (t1 - t0) * g.Q;
  const int64_t n0 = t0 / g.P, n1 = (t1 - 1) / g.P + 1;
  parallel_for((n1 - n0) * g.C, grain_for(g.R * g.S * std::min(TQ, g.P * g.Q)), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) {
      const int64_t n = n0 + i / g.C, c = i % g.C;
      const int64_t ta = std::max(t0, n * g.P), tb = std::min(t1, (n + 1) * g.P);
      float* plane = dx + (n * g.C + c) * g.H * g.W;
      for (int64_t r = 0; r < g.R; ++r)
        for (int64_t s = 0; s < g.S; ++s) {
          int64_t qlo, qhi;
          valid_q(g, s, qlo, qhi);
          const float* src = dcol + ((c * g.R + r) * g.S + s) * TQ + (ta - t0) * g.Q;
          for (int64_t t = ta; t < tb; ++t, src += g.Q) {
            const int64_t h = (t % g.P) * g.stride_h - g.pad_h + r;
            if (h < 0 || h >= g.H) continue;
            float* dxrow = plane + h * g.W;
            const int64_t off = s - g.pad_w;  // input column of q is q·sw + off
            if (g.stride_w == 1) {
              for (int64_t q = qlo; q < qhi; ++q) dxrow[q + off] += src[q];
            } else {
              for (int64_t q = qlo; q < qhi; ++q) dxrow[q * g.stride_w + off] += src[q];
            }
          }
        }
    }
  });
}

// out[k, (t − t0)·Q + q] -> y[n, k, p, q] (+ bias[k]).
void scatter_output(const Conv2dGeom& g, const float* out, const float* bias, int64_t t0, int64_t t1, float* y) {
  const int64_t T = t1 - t0, TQ = T * g.Q;
  parallel_for(g.K * T, grain_for(g.Q), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) {
      const int64_t k = i / T, t = t0 + i % T, n = t / g.P, p = t % g.P;
      const float* src = out + k * TQ + (t - t0) * g.Q;
      float* dst = y + ((n * g.K + k) * g.P + p) * g.Q;
      const float bk = bias ? bias[k] : 0.0f;
      for (int64_t q = 0; q < g.Q; ++q) dst[q] = src[q] + bk;
    }
  });
}

// dyt[k, (t − t0)·Q + q] = dy[n, k, p, q]: the tile's output gradient as a [K, T·Q] matrix.
void gather_dy(const Conv2dGeom& g, const float* dy, int64_t t0, int64_t t1, float* dyt) {
  const int64_t T = t1 - t0, TQ = T * g.Q;
  parallel_for(g.K * T, grain_for(g.Q), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) {
      const int64_t k = i / T, t = t0 + i % T, n = t / g.P, p = t % g.P;
      std::memcpy(dyt + k * TQ + (t - t0) * g.Q, dy + ((n * g.K + k) * g.P + p) * g.Q,
                  static_cast<size_t>(g.Q) * sizeof(float));
    }
  });
}

// W ⊙ mask into scratch (or W itself without a mask).
const float* masked_weights(int64_t n, const float* w, const uint8_t* mask, std::vector<float>& scratch) {
  if (!mask) return w;
  scratch.resize(static_cast<size_t>(n));
  float* out = scratch.data();
  parallel_for(n, kMinChunk, [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) out[i] = mask[i] ? w[i] : 0.0f;
  });
  return out;
}

// Is the tile [t0, t1) exactly image n = t0 / P?
inline bool whole_single_image(const Conv2dGeom& g, int64_t t0, int64_t t1) { return t0 % g.P == 0 && t1 - t0 == g.P; }

}  // namespace

void conv2d_forward(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask,
                    const float* bias, float* y) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  if (g.N == 0 || g.K == 0 || PQ == 0) return;
  std::vector<float> wscratch, col, out;
  const float* wm = masked_weights(g.K * CRS, w, mask, wscratch);
  const int64_t rows = rows_per_tile(g);
  const bool pointwise = is_pointwise(g);
  for (int64_t t0 = 0; t0 < g.N * g.P; t0 += rows) {
    const int64_t t1 = std::min(t0 + rows, g.N * g.P), TQ = (t1 - t0) * g.Q;
    const int64_t n = t0 / g.P;
    const float* colp;
    if (pointwise) {
      colp = x + n * g.C * PQ;
    } else {
      col.resize(static_cast<size_t>(CRS * TQ));
      im2col_tile(g, x, t0, t1, col.data());
      colp = col.data();
    }
    if (whole_single_image(g, t0, t1)) {
      float* yn = y + n * g.K * PQ;
      gemm(Trans::N, Trans::N, g.K, PQ, CRS, 1.0f, wm, colp, 0.0f, yn);
      if (bias) {
        parallel_for(g.K, grain_for(PQ), [&](int64_t a, int64_t b) {
          for (int64_t k = a; k < b; ++k)
            for (int64_t i = 0; i < PQ; ++i) yn[k * PQ + i] += bias[k];
        });
      }
    } else {
      out.resize(static_cast<size_t>(g.K * TQ));
      gemm(Trans::N, Trans::N, g.K, TQ, CRS, 1.0f, wm, colp, 0.0f, out.data());
      scatter_output(g, out.data(), bias, t0, t1, y);
    }
  }
}

void conv2d_backward_data(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask,
                          float* dx) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q, HW = g.H * g.W;
  if (g.N == 0 || g.C == 0 || HW == 0) return;
  std::vector<float> wscratch, dcol, dyt;
  const float* wm = masked_weights(g.K * CRS, w, mask, wscratch);
  const bool pointwise = is_pointwise(g);
  if (pointwise) {  // dx_n[C, HW] = Wmᵀ[C, K] · dy_n[K, HW]
    for (int64_t n = 0; n < g.N; ++n)
      gemm(Trans::T, Trans::N, g.C, HW, g.K, 1.0f, wm, dy + n * g.K * PQ, 0.0f, dx + n * g.C * HW);
    return;
  }
  parallel_for(g.N * g.C * HW, kMinChunk * 4, [&](int64_t a, int64_t b) { std::fill(dx + a, dx + b, 0.0f); });
  const int64_t rows = rows_per_tile(g);
  for (int64_t t0 = 0; t0 < g.N * g.P; t0 += rows) {
    const int64_t t1 = std::min(t0 + rows, g.N * g.P), TQ = (t1 - t0) * g.Q;
    const float* dyp;
    if (whole_single_image(g, t0, t1)) {
      dyp = dy + (t0 / g.P) * g.K * PQ;
    } else {
      dyt.resize(static_cast<size_t>(g.K * TQ));
      gather_dy(g, dy, t0, t1, dyt.data());
      dyp = dyt.data();
    }
    dcol.resize(static_cast<size_t>(CRS * TQ));
    gemm(Trans::T, Trans::N, CRS, TQ, g.K, 1.0f, wm, dyp, 0.0f, dcol.data());  // [CRS,K]·[K,TQ]
    col2im_tile_add(g, dcol.data(), t0, t1, dx);
  }
}

void conv2d_backward_filter(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask,
                            float* dw, float* db) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q, KCRS = g.K * CRS;
  std::vector<float> col, dyt;
  if (g.N == 0 || PQ == 0) {
    std::fill(dw, dw + KCRS, 0.0f);
  } else if (KCRS > 0) {
    const int64_t rows = rows_per_tile(g);
    const bool pointwise = is_pointwise(g);
    bool first = true;
    for (int64_t t0 = 0; t0 < g.N * g.P; t0 += rows) {
      const int64_t t1 = std::min(t0 + rows, g.N * g.P), TQ = (t1 - t0) * g.Q;
      const int64_t n = t0 / g.P;
      const float* colp;
      if (pointwise) {
        colp = x + n * g.C * PQ;
      } else {
        col.resize(static_cast<size_t>(CRS * TQ));
        im2col_tile(g, x, t0, t1, col.data());
        colp = col.data();
      }
      const float* dyp;
      if (whole_single_image(g, t0, t1)) {
        dyp = dy + n * g.K * PQ;
      } else {
        dyt.resize(static_cast<size_t>(g.K * TQ));
        gather_dy(g, dy, t0, t1, dyt.data());
        dyp = dyt.data();
      }
      // dW[K, CRS] (+)= dyt[K, TQ] · colᵀ[TQ, CRS]
      gemm(Trans::N, Trans::T, g.K, CRS, TQ, 1.0f, dyp, colp, first ? 0.0f : 1.0f, dw);
      first = false;
    }
    if (mask) {
      parallel_for(KCRS, kMinChunk * 4, [&](int64_t a, int64_t b) {
        for (int64_t i = a; i < b; ++i)
          if (!mask[i]) dw[i] = 0.0f;
      });
    }
  }
  if (db) {
    parallel_for(g.K, grain_for(g.N * PQ), [&](int64_t a, int64_t b) {
      for (int64_t k = a; k < b; ++k) {
        double acc = 0;
        for (int64_t n = 0; n < g.N; ++n) {
          const float* row = dy + (n * g.K + k) * PQ;
          float s = 0.0f;
#pragma omp simd reduction(+ : s)
          for (int64_t i = 0; i < PQ; ++i) s += row[i];
          acc += s;
        }
        db[k] = static_cast<float>(acc);
      }
    });
  }
}

}  // namespace lth::cpu
