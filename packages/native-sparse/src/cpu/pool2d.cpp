// 2-D pooling (NCHW) on the CPU: max pooling and average pooling.
//
// 2-D max pooling (NCHW) on the CPU, with the argmax of each window kept for the backward pass.
// Padding counts as −inf; ties go to the first maximum in row-major window order; a NaN in a window wins
// (propagates, like PyTorch; of several NaNs the last). argmax holds the flat h·W + w index within the
// (n, c) plane.
//
// 2-D average pooling (NCHW) on the CPU. count_include_pad: divide by kh·kw (true) or by the number of
// in-bounds inputs of the window (false). Windows never reach past the padded input (floor output size).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

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
  qa = (g.pad_w + g.stride_w - 1) / g.stride_w;                              // q·sw − pw >= 0
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

// ---- average pooling ----------------------------------------------------------------------------------

namespace lth::cpu {

namespace {
struct Window {
  int64_t ha, hb, wa, wb;  // in-bounds input rows [ha, hb), columns [wa, wb)
  float scale;             // 1 / divisor
};

inline Window window(const Pool2dGeom& g, bool count_include_pad, int64_t p, int64_t q) {
  const int64_t h0 = p * g.stride_h - g.pad_h, w0 = q * g.stride_w - g.pad_w;
  Window win{std::max<int64_t>(h0, 0), std::min(h0 + g.kh, g.H), std::max<int64_t>(w0, 0), std::min(w0 + g.kw, g.W), 0};
  const int64_t count = count_include_pad ? g.kh * g.kw : (win.hb - win.ha) * (win.wb - win.wa);
  win.scale = count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
  return win;
}

// One plane. Border outputs by the window loop; the interior outputs of each row as vectorised sweeps
// over the window's elements.
LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void avgpool_plane_fast(const Pool2dGeom& g, bool count_include_pad, const float* x, float* y) {
  int64_t qa, qb;
  interior_q(g, qa, qb);
  const int64_t sw = g.stride_w;
  auto one = [&](int64_t p, int64_t q) {
    const Window win = window(g, count_include_pad, p, q);
    float acc = 0.0f;
    for (int64_t h = win.ha; h < win.hb; ++h)
      for (int64_t w = win.wa; w < win.wb; ++w) acc += x[h * g.W + w];
    y[p * g.Q + q] = acc * win.scale;
  };
  for (int64_t p = 0; p < g.P; ++p) {
    for (int64_t q = 0; q < qa; ++q) one(p, q);
    for (int64_t q = qb; q < g.Q; ++q) one(p, q);
    if (qa == qb) continue;
    const Window win = window(g, count_include_pad, p, qa);  // same rows and count for every interior q
    float* yr = y + p * g.Q;
    for (int64_t q = qa; q < qb; ++q) yr[q] = 0.0f;
    for (int64_t h = win.ha; h < win.hb; ++h)
      for (int64_t s = 0; s < g.kw; ++s) {
        const int64_t off = h * g.W + s - g.pad_w;
        for (int64_t q = qa; q < qb; ++q) yr[q] += x[off + q * sw];
      }
    for (int64_t q = qa; q < qb; ++q) yr[q] *= win.scale;
  }
}

LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void avgpool_plane_backward_fast(const Pool2dGeom& g, bool count_include_pad, const float* dy, float* dx) {
  int64_t qa, qb;
  interior_q(g, qa, qb);
  const int64_t sw = g.stride_w;
  std::fill(dx, dx + g.H * g.W, 0.0f);
  auto one = [&](int64_t p, int64_t q) {
    const Window win = window(g, count_include_pad, p, q);
    const float v = dy[p * g.Q + q] * win.scale;
    for (int64_t h = win.ha; h < win.hb; ++h)
      for (int64_t w = win.wa; w < win.wb; ++w) dx[h * g.W + w] += v;
  };
  for (int64_t p = 0; p < g.P; ++p) {
    for (int64_t q = 0; q < qa; ++q) one(p, q);
    for (int64_t q = qb; q < g.Q; ++q) one(p, q);
    if (qa == qb) continue;
    const Window win = window(g, count_include_pad, p, qa);
    const float* dr = dy + p * g.Q;
    // For a fixed window element (h, s) distinct q write distinct inputs, so each sweep vectorises.
    for (int64_t h = win.ha; h < win.hb; ++h)
      for (int64_t s = 0; s < g.kw; ++s) {
        const int64_t off = h * g.W + s - g.pad_w;
        for (int64_t q = qa; q < qb; ++q) dx[off + q * sw] += dr[q] * win.scale;
      }
  }
}
}  // namespace

namespace ref {
void avgpool2d_forward(const Pool2dGeom& g, bool count_include_pad, const float* x, float* y) {
  for (int64_t i = 0; i < g.N * g.C; ++i)
    for (int64_t p = 0; p < g.P; ++p)
      for (int64_t q = 0; q < g.Q; ++q) {
        const int64_t h0 = p * g.stride_h - g.pad_h, w0 = q * g.stride_w - g.pad_w;
        double acc = 0;
        int64_t inside = 0;
        for (int64_t h = h0; h < h0 + g.kh; ++h)
          for (int64_t w = w0; w < w0 + g.kw; ++w)
            if (h >= 0 && h < g.H && w >= 0 && w < g.W) {
              acc += x[(i * g.H + h) * g.W + w];
              ++inside;
            }
        const int64_t count = count_include_pad ? g.kh * g.kw : inside;
        y[(i * g.P + p) * g.Q + q] = count > 0 ? static_cast<float>(acc / static_cast<double>(count)) : 0.0f;
      }
}

void avgpool2d_backward(const Pool2dGeom& g, bool count_include_pad, const float* dy, float* dx) {
  // dx[h,w] = Σ over the windows (p,q) containing (h,w) of dy[p,q] / count(p,q). Window p covers rows
  // [p·sh − ph, p·sh − ph + kh), so it contains h for p in [ceil((h + ph − kh + 1) / sh), floor((h + ph) / sh)].
  auto first = [](int64_t a, int64_t s) { return a <= 0 ? int64_t{0} : (a + s - 1) / s; };
  for (int64_t i = 0; i < g.N * g.C; ++i)
    for (int64_t h = 0; h < g.H; ++h)
      for (int64_t w = 0; w < g.W; ++w) {
        double acc = 0;
        for (int64_t p = first(h + g.pad_h - g.kh + 1, g.stride_h); p <= (h + g.pad_h) / g.stride_h && p < g.P; ++p)
          for (int64_t q = first(w + g.pad_w - g.kw + 1, g.stride_w); q <= (w + g.pad_w) / g.stride_w && q < g.Q; ++q) {
            const int64_t h0 = p * g.stride_h - g.pad_h, w0 = q * g.stride_w - g.pad_w;
            const int64_t inside = (std::min(h0 + g.kh, g.H) - std::max<int64_t>(h0, 0)) *
                                   (std::min(w0 + g.kw, g.W) - std::max<int64_t>(w0, 0));
            const int64_t count = count_include_pad ? g.kh * g.kw : inside;
            acc += static_cast<double>(dy[(i * g.P + p) * g.Q + q]) / static_cast<double>(count);
          }
        dx[(i * g.H + h) * g.W + w] = static_cast<float>(acc);
      }
}
}  // namespace ref

void avgpool2d_forward(const Pool2dGeom& g, bool count_include_pad, const float* x, float* y) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  parallel_for(g.N * g.C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) avgpool_plane_fast(g, count_include_pad, x + i * HW, y + i * PQ);
  });
}

// Planes are independent across threads.
void avgpool2d_backward(const Pool2dGeom& g, bool count_include_pad, const float* dy, float* dx) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  parallel_for(g.N * g.C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) {
    for (int64_t i = a; i < b; ++i) avgpool_plane_backward_fast(g, count_include_pad, dy + i * PQ, dx + i * HW);
  });
}

}  // namespace lth::cpu
