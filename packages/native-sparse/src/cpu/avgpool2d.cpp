// 2-D average pooling (NCHW) on the CPU. count_include_pad: divide by kh·kw (true) or by the number of
// in-bounds inputs of the window (false). Windows never reach past the padded input (floor output size).
#include <algorithm>

#include "../kernels.h"
#include "simd.h"
#include "../parallel.h"

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

// The outputs q in [qa, qb) whose windows lie inside the input columns.
inline void interior_q(const Pool2dGeom& g, int64_t& qa, int64_t& qb) {
  qa = (g.pad_w + g.stride_w - 1) / g.stride_w;
  qb = g.W >= g.kw - g.pad_w ? (g.W - g.kw + g.pad_w) / g.stride_w + 1 : 0;
  qb = std::min(qb, g.Q);
  qa = std::min(qa, qb);
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
