// 2-D max pooling (NCHW) on the CPU, with the argmax of each window kept for the backward pass.
// Padding counts as −inf; ties go to the first maximum in row-major window order; a NaN in a window wins
// (propagates, like PyTorch; of several NaNs the last). argmax holds the flat h·W + w index within the
// (n, c) plane.
#include <cmath>
#include <cstring>
#include <limits>

#include "../kernels.h"
#include "simd.h"
#include "../parallel.h"

namespace lth::cpu {

namespace {
// Output (p, q) of one plane by the definition: scan the in-bounds part of its window.
inline void maxpool_one(const Pool2dGeom& g, const float* x, int64_t p, int64_t q, float* y, int32_t* am) {
  const int64_t h0 = p * g.stride_h - g.pad_h, w0 = q * g.stride_w - g.pad_w;
  const int64_t ha = h0 < 0 ? 0 : h0, hb = h0 + g.kh < g.H ? h0 + g.kh : g.H;
  const int64_t wa = w0 < 0 ? 0 : w0, wb = w0 + g.kw < g.W ? w0 + g.kw : g.W;
  float best = -std::numeric_limits<float>::infinity();
  int64_t arg = ha * g.W + wa;
  for (int64_t h = ha; h < hb; ++h)
    for (int64_t w = wa; w < wb; ++w) {
      const float v = x[h * g.W + w];
      if (v > best || std::isnan(v)) {
        best = v;
        arg = h * g.W + w;
      }
    }
  y[p * g.Q + q] = best;
  am[p * g.Q + q] = static_cast<int32_t>(arg);
}

inline void check_argmax(int32_t a, int64_t HW) {
  LTH_CHECK(a >= 0 && a < HW, code::kArg, "maxpool2d_backward: argmax ", a, " is outside the input plane of ", HW,
            " elements");
}

// The outputs q in [qa, qb) whose windows lie inside the input columns.
inline void interior_q(const Pool2dGeom& g, int64_t& qa, int64_t& qb) {
  qa = (g.pad_w + g.stride_w - 1) / g.stride_w;  // q·sw − pw >= 0
  qb = g.W >= g.kw - g.pad_w ? (g.W - g.kw + g.pad_w) / g.stride_w + 1 : 0;  // q·sw − pw + kw <= W
  if (qb > g.Q) qb = g.Q;
  if (qa > qb) qa = qb;
}

// One plane, fast: interior columns of each output row are swept element by element of the window, in
// the definition's order, with branch-free updates over a whole run of outputs (vectorised); the few
// border outputs use maxpool_one.
LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void maxpool_plane_fast(const Pool2dGeom& g, const float* x, float* y, int32_t* am) {
  int64_t qa, qb;
  interior_q(g, qa, qb);
  const int64_t sw = g.stride_w;
  for (int64_t p = 0; p < g.P; ++p) {
    for (int64_t q = 0; q < qa; ++q) maxpool_one(g, x, p, q, y, am);
    for (int64_t q = qb; q < g.Q; ++q) maxpool_one(g, x, p, q, y, am);
    if (qa == qb) continue;
    const int64_t h0 = p * g.stride_h - g.pad_h;
    const int64_t ha = h0 < 0 ? 0 : h0, hb = h0 + g.kh < g.H ? h0 + g.kh : g.H;
    float* yr = y + p * g.Q;
    int32_t* ar = am + p * g.Q;
    const int32_t first = static_cast<int32_t>(ha * g.W - g.pad_w);  // + q·sw: the window's first element
    for (int64_t q = qa; q < qb; ++q) {
      yr[q] = -std::numeric_limits<float>::infinity();
      ar[q] = first + static_cast<int32_t>(q * sw);
    }
    for (int64_t h = ha; h < hb; ++h)
      for (int64_t s = 0; s < g.kw; ++s) {
        const int64_t off = h * g.W + s - g.pad_w;  // flat index of element (h, s) of window q is off + q·sw
        for (int64_t q = qa; q < qb; ++q) {
          const float v = x[off + q * sw];
          const bool take = v > yr[q] || v != v;
          yr[q] = take ? v : yr[q];
          ar[q] = take ? static_cast<int32_t>(off + q * sw) : ar[q];
        }
      }
  }
}
}  // namespace

namespace ref {
void maxpool2d_forward(const Pool2dGeom& g, const float* x, float* y, int32_t* argmax) {
  for (int64_t i = 0; i < g.N * g.C; ++i)
    for (int64_t p = 0; p < g.P; ++p)
      for (int64_t q = 0; q < g.Q; ++q)
        maxpool_one(g, x + i * g.H * g.W, p, q, y + i * g.P * g.Q, argmax + i * g.P * g.Q);
}

void maxpool2d_backward(const Pool2dGeom& g, const float* dy, const int32_t* argmax, float* dx) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  for (int64_t i = 0; i < g.N * g.C * HW; ++i) dx[i] = 0.0f;
  for (int64_t i = 0; i < g.N * g.C; ++i)
    for (int64_t j = 0; j < PQ; ++j) {
      check_argmax(argmax[i * PQ + j], HW);
      dx[i * HW + argmax[i * PQ + j]] += dy[i * PQ + j];
    }
}
}  // namespace ref

void maxpool2d_forward(const Pool2dGeom& g, const float* x, float* y, int32_t* argmax) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  parallel_for(g.N * g.C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) maxpool_plane_fast(g, x + i * HW, y + i * PQ, argmax + i * PQ);
  });
}

// Planes are independent, so threads never share a dx element; windows that overlap (stride < kernel)
// add up within a plane.
void maxpool2d_backward(const Pool2dGeom& g, const float* dy, const int32_t* argmax, float* dx) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  parallel_for(g.N * g.C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) {
    std::memset(dx + a * HW, 0, static_cast<size_t>((b - a) * HW) * sizeof(float));
    for (int64_t i = a; i < b; ++i) {
      const int32_t* am = argmax + i * PQ;
      float* plane = dx + i * HW;
      const float* d = dy + i * PQ;
      for (int64_t j = 0; j < PQ; ++j) {
        check_argmax(am[j], HW);
        plane[am[j]] += d[j];
      }
    }
  });
}

}  // namespace lth::cpu
