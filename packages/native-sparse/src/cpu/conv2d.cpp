// 2-D convolution (NCHW, cross-correlation like PyTorch) with a weight mask, on the CPU: forward,
// gradient w.r.t. the input (backward data) and w.r.t. the weights and bias (backward filter).
//
// ref:: are the plain loops that define the ops (double accumulation). The fast kernels lower the
// convolution to GEMM through im2col over *tiles* of output rows: the N·P output rows (n, p) are cut into
// tiles so that one tile's column matrix col[C·R·S, T·Q] stays within a fixed scratch budget, whatever the
// batch size or image size. A tile holds several whole images (small images), exactly one image (the
// common case: GEMM reads and writes the tensors in place, no copies), or a band of rows of one image
// (large images). Threads: when the batch splits evenly enough, each thread takes a contiguous share of
// the images with its own scratch (one parallel region per call; lth::cpu::gemm runs single-threaded inside
// it, and the weight gradient is summed from per-thread partials in batch order); otherwise (small
// batches, e.g. inference) the tiles are walked in order with im2col / col2im parallel over independent
// rows or (n, c) planes and the GEMM itself parallel.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace ref {

void conv2d_forward(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask, const float* bias,
                    float* y) {
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

void conv2d_backward_data(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask, float* dx) {
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

void conv2d_backward_filter(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask, float* dw,
                            float* db) {
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

// Scratch budget, in floats, for one tile's column matrix and for its GEMM output (4 MiB each, per thread).
constexpr int64_t kTileBudget = int64_t{1} << 20;

// Work per parallel chunk, in floats touched, below which splitting costs more than it gains.
constexpr int64_t kMinChunk = int64_t{1} << 14;

int64_t grain_for(int64_t work_per_item) {
  return std::max<int64_t>(1, kMinChunk / std::max<int64_t>(1, work_per_item));
}

// parallel_for when `par`, else the plain loop (inside a thread that already owns its share of the batch).
template <typename F>
void maybe_parallel(bool par, int64_t n, int64_t grain, F&& f) {
  if (par) parallel_for(n, grain, f);
  else if (n > 0) f(int64_t{0}, n);
}

// Split the batch over the threads (one parallel region per call, GEMMs single-threaded inside it) when
// whole images balance well enough; otherwise walk the tiles in order with every step parallel inside.
bool batch_parallel(int64_t N) {
  const int64_t T = num_threads();
  if (T <= 1 || N < T) return false;
  const int64_t per = (N + T - 1) / T;
  return static_cast<double>(N) / static_cast<double>(per * T) >= 0.75;
}

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
void im2col_tile(const Conv2dGeom& g, const float* x, int64_t t0, int64_t t1, float* col, bool par) {
  const int64_t TQ = (t1 - t0) * g.Q, RS = g.R * g.S;
  maybe_parallel(par, g.C * RS, grain_for(TQ), [&](int64_t a, int64_t b) {
    for (int64_t row = a; row < b; ++row) {
      const int64_t c = row / RS, r = (row / g.S) % g.R, s = row % g.S;
      int64_t qlo, qhi;
      valid_q(g, s, qlo, qhi);
      float* dst = col + row * TQ;
      int64_t n = t0 / g.P, p = t0 % g.P;  // t = n·P + p, advanced without divisions
      for (int64_t t = t0; t < t1; ++t, dst += g.Q, p = p + 1 == g.P ? (++n, 0) : p + 1) {
        const int64_t h = p * g.stride_h - g.pad_h + r;
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

// dx[n, c, p·sh − ph + r, q·sw − pw + s] += dcol[(c·R + r)·S + s, (t − t0)·Q + q]. Split over the (n, c)
// planes the tile touches, so no two threads write the same element.
void col2im_tile_add(const Conv2dGeom& g, const float* dcol, int64_t t0, int64_t t1, float* dx, bool par) {
  const int64_t TQ = (t1 - t0) * g.Q;
  const int64_t n0 = t0 / g.P, n1 = (t1 - 1) / g.P + 1;
  maybe_parallel(par, (n1 - n0) * g.C, grain_for(g.R * g.S * std::min(TQ, g.P * g.Q)), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) {
      const int64_t n = n0 + i / g.C, c = i % g.C;
      const int64_t ta = std::max(t0, n * g.P), tb = std::min(t1, (n + 1) * g.P);
      float* plane = dx + (n * g.C + c) * g.H * g.W;
      for (int64_t r = 0; r < g.R; ++r)
        for (int64_t s = 0; s < g.S; ++s) {
          int64_t qlo, qhi;
          valid_q(g, s, qlo, qhi);
          const float* src = dcol + ((c * g.R + r) * g.S + s) * TQ + (ta - t0) * g.Q;
          for (int64_t p = ta - n * g.P; p < tb - n * g.P; ++p, src += g.Q) {
            const int64_t h = p * g.stride_h - g.pad_h + r;
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
void scatter_output(const Conv2dGeom& g, const float* out, const float* bias, int64_t t0, int64_t t1, float* y,
                    bool par) {
  const int64_t T = t1 - t0, TQ = T * g.Q;
  maybe_parallel(par, g.K, grain_for(TQ), [&](int64_t a, int64_t b) {
    for (int64_t k = a; k < b; ++k) {
      const float* src = out + k * TQ;
      const float bk = bias ? bias[k] : 0.0f;
      int64_t n = t0 / g.P, p = t0 % g.P;
      for (int64_t t = t0; t < t1; ++t, src += g.Q, p = p + 1 == g.P ? (++n, 0) : p + 1) {
        float* dst = y + ((n * g.K + k) * g.P + p) * g.Q;
        for (int64_t q = 0; q < g.Q; ++q) dst[q] = src[q] + bk;
      }
    }
  });
}

// dyt[k, (t − t0)·Q + q] = dy[n, k, p, q]: the tile's output gradient as a [K, T·Q] matrix.
void gather_dy(const Conv2dGeom& g, const float* dy, int64_t t0, int64_t t1, float* dyt, bool par) {
  const int64_t T = t1 - t0, TQ = T * g.Q;
  maybe_parallel(par, g.K, grain_for(TQ), [&](int64_t a, int64_t b) {
    for (int64_t k = a; k < b; ++k) {
      float* dst = dyt + k * TQ;
      int64_t n = t0 / g.P, p = t0 % g.P;
      for (int64_t t = t0; t < t1; ++t, dst += g.Q, p = p + 1 == g.P ? (++n, 0) : p + 1)
        std::memcpy(dst, dy + ((n * g.K + k) * g.P + p) * g.Q, static_cast<size_t>(g.Q) * sizeof(float));
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

struct Scratch {
  std::vector<float> col, out;
};

// The column matrix of tile [t0, t1): the input itself for a pointwise conv, else im2col into scratch.
const float* columns(const Conv2dGeom& g, const float* x, int64_t t0, int64_t t1, Scratch& s, bool par) {
  if (is_pointwise(g)) return x + (t0 / g.P) * g.C * g.H * g.W;
  s.col.resize(static_cast<size_t>(g.C * g.R * g.S * (t1 - t0) * g.Q));
  im2col_tile(g, x, t0, t1, s.col.data(), par);
  return s.col.data();
}

// The output gradient of tile [t0, t1) as [K, T·Q]: in place for one whole image, else gathered.
const float* dy_tile(const Conv2dGeom& g, const float* dy, int64_t t0, int64_t t1, Scratch& s, bool par) {
  if (whole_single_image(g, t0, t1)) return dy + (t0 / g.P) * g.K * g.P * g.Q;
  s.out.resize(static_cast<size_t>(g.K * (t1 - t0) * g.Q));
  gather_dy(g, dy, t0, t1, s.out.data(), par);
  return s.out.data();
}

// y for output rows [r0, r1) (whole images), tile by tile.
void forward_rows(const Conv2dGeom& g, const float* x, const float* wm, const float* bias, float* y, int64_t r0,
                  int64_t r1, bool par, Scratch& s) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q, rows = rows_per_tile(g);
  for (int64_t t0 = r0; t0 < r1; t0 += rows) {
    const int64_t t1 = std::min(t0 + rows, r1), TQ = (t1 - t0) * g.Q;
    const float* colp = columns(g, x, t0, t1, s, par);
    if (whole_single_image(g, t0, t1)) {
      float* yn = y + (t0 / g.P) * g.K * PQ;
      gemm(Trans::N, Trans::N, g.K, PQ, CRS, 1.0f, wm, colp, 0.0f, yn);
      if (bias) {
        maybe_parallel(par, g.K, grain_for(PQ), [&](int64_t a, int64_t b) {
          for (int64_t k = a; k < b; ++k)
            for (int64_t i = 0; i < PQ; ++i) yn[k * PQ + i] += bias[k];
        });
      }
    } else {
      s.out.resize(static_cast<size_t>(g.K * TQ));
      gemm(Trans::N, Trans::N, g.K, TQ, CRS, 1.0f, wm, colp, 0.0f, s.out.data());
      scatter_output(g, s.out.data(), bias, t0, t1, y, par);
    }
  }
}

// dx for the images of output rows [r0, r1) (whole images), tile by tile.
void backward_data_rows(const Conv2dGeom& g, const float* dy, const float* wm, float* dx, int64_t r0, int64_t r1,
                        bool par, Scratch& s) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q, HW = g.H * g.W;
  const int64_t n0 = r0 / g.P, n1 = r1 / g.P;
  if (is_pointwise(g)) {  // dx_n[C, HW] = Wmᵀ[C, K] · dy_n[K, HW]
    for (int64_t n = n0; n < n1; ++n)
      gemm(Trans::T, Trans::N, g.C, HW, g.K, 1.0f, wm, dy + n * g.K * PQ, 0.0f, dx + n * g.C * HW);
    return;
  }
  maybe_parallel(par, (n1 - n0) * g.C * HW, kMinChunk * 4,
                 [&](int64_t a, int64_t b) { std::fill(dx + n0 * g.C * HW + a, dx + n0 * g.C * HW + b, 0.0f); });
  const int64_t rows = rows_per_tile(g);
  for (int64_t t0 = r0; t0 < r1; t0 += rows) {
    const int64_t t1 = std::min(t0 + rows, r1), TQ = (t1 - t0) * g.Q;
    const float* dyp = dy_tile(g, dy, t0, t1, s, par);
    s.col.resize(static_cast<size_t>(CRS * TQ));
    gemm(Trans::T, Trans::N, CRS, TQ, g.K, 1.0f, wm, dyp, 0.0f, s.col.data());  // [CRS,K]·[K,TQ]
    col2im_tile_add(g, s.col.data(), t0, t1, dx, par);
  }
}

// dw (=, or += when accumulate) Σ over output rows [r0, r1) of dy ⋆ x, unmasked; tile by tile.
void backward_filter_rows(const Conv2dGeom& g, const float* x, const float* dy, float* dw, bool accumulate, int64_t r0,
                          int64_t r1, bool par, Scratch& s) {
  const int64_t CRS = g.C * g.R * g.S, rows = rows_per_tile(g);
  for (int64_t t0 = r0; t0 < r1; t0 += rows) {
    const int64_t t1 = std::min(t0 + rows, r1), TQ = (t1 - t0) * g.Q;
    const float* colp = columns(g, x, t0, t1, s, par);  // in s.col
    const float* dyp = dy_tile(g, dy, t0, t1, s, par);  // in s.out
    // dW[K, CRS] (+)= dyt[K, TQ] · colᵀ[TQ, CRS]
    gemm(Trans::N, Trans::T, g.K, CRS, TQ, 1.0f, dyp, colp, accumulate ? 1.0f : 0.0f, dw);
    accumulate = true;
  }
}

}  // namespace

void conv2d_forward(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask, const float* bias,
                    float* y) {
  if (g.N == 0 || g.K == 0 || g.P * g.Q == 0) return;
  std::vector<float> wscratch;
  const float* wm = masked_weights(g.K * g.C * g.R * g.S, w, mask, wscratch);
  if (batch_parallel(g.N)) {
    parallel_for(g.N, 1, [&](int64_t n0, int64_t n1) {
      Scratch s;
      forward_rows(g, x, wm, bias, y, n0 * g.P, n1 * g.P, false, s);
    });
  } else {
    Scratch s;
    forward_rows(g, x, wm, bias, y, 0, g.N * g.P, true, s);
  }
}

void conv2d_backward_data(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask, float* dx) {
  if (g.N == 0 || g.C == 0 || g.H * g.W == 0) return;
  std::vector<float> wscratch;
  const float* wm = masked_weights(g.K * g.C * g.R * g.S, w, mask, wscratch);
  if (batch_parallel(g.N)) {
    parallel_for(g.N, 1, [&](int64_t n0, int64_t n1) {
      Scratch s;
      backward_data_rows(g, dy, wm, dx, n0 * g.P, n1 * g.P, false, s);
    });
  } else {
    Scratch s;
    backward_data_rows(g, dy, wm, dx, 0, g.N * g.P, true, s);
  }
}

void conv2d_backward_filter(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask, float* dw,
                            float* db) {
  const int64_t PQ = g.P * g.Q, KCRS = g.K * g.C * g.R * g.S;
  if (g.N == 0 || PQ == 0) {
    std::fill(dw, dw + KCRS, 0.0f);
  } else if (KCRS > 0) {
    if (batch_parallel(g.N)) {
      // Each thread's share of the batch into its own partial sum (the first share straight into dw), then
      // the partials are added in batch order.
      std::vector<std::vector<float>> partial(static_cast<size_t>(g.N));
      parallel_for(g.N, 1, [&](int64_t n0, int64_t n1) {
        Scratch s;
        float* dst = dw;
        if (n0 > 0) {
          partial[n0].resize(static_cast<size_t>(KCRS));
          dst = partial[n0].data();
        }
        backward_filter_rows(g, x, dy, dst, false, n0 * g.P, n1 * g.P, false, s);
      });
      parallel_for(KCRS, kMinChunk, [&](int64_t a, int64_t b) {
        for (const auto& part : partial)
          if (!part.empty())
            for (int64_t i = a; i < b; ++i) dw[i] += part[i];
      });
    } else {
      Scratch s;
      backward_filter_rows(g, x, dy, dw, false, 0, g.N * g.P, true, s);
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
