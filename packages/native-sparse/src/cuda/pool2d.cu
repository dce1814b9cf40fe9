// 2-D pooling on CUDA (NCHW): max pooling with argmax, average pooling (count_include_pad). Definitions:
// src/cpu/pool2d.cpp (namespace ref).
//
// Forward passes: one thread per output, scanning its window in the CPU's row-major order with the CPU's
// update rule, so max values and argmax indices are bit-identical (ties: first maximum; a NaN wins, of
// several the last).
// Backward passes are gathers, one thread per input element, deterministic (no atomics): the input sums
// over the windows that contain it, in increasing output order. For max pooling an input takes dy of the
// windows whose argmax is that input; adding from 0 in increasing output order is exactly the CPU's
// scatter order, so dx is bit-identical too. The gather assumes every argmax lies in its own window (true
// for any argmax this library's forward produced); a check kernel first flags indices outside the plane
// (ERR_ARG with the CPU's message, the first bad index being looked up on the host) and indices inside the
// plane but outside their window, in which case the plain
// scatter (one thread per (n,c) plane, outputs in order: the CPU's loop) is used instead.
#include <cmath>
#include <cstdint>
#include <vector>

#include "../rng.h"  // LTH_HD
#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

LTH_HD int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
LTH_HD int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

// The in-bounds part of the window of output (p, q): rows [ha, hb), columns [wa, wb).
struct Window {
  int64_t ha, hb, wa, wb;
};
LTH_HD Window window_of(const Pool2dGeom& g, int64_t p, int64_t q) {
  const int64_t h0 = p * g.stride_h - g.pad_h, w0 = q * g.stride_w - g.pad_w;
  return {max64(h0, 0), min64(h0 + g.kh, g.H), max64(w0, 0), min64(w0 + g.kw, g.W)};
}

// Outputs whose windows contain input row h: p in [first, last] (empty when first > last). Window p covers
// rows [p·s − pad, p·s − pad + k).
LTH_HD void covering(int64_t h, int64_t k, int64_t s, int64_t pad, int64_t P, int64_t& first, int64_t& last) {
  const int64_t a = h + pad - k + 1;
  first = a <= 0 ? 0 : (a + s - 1) / s;
  last = min64((h + pad) / s, P - 1);
}

// ---- max pooling ----------------------------------------------------------------------------------------------

// Output i of y [N,C,P,Q].
LTH_HD void maxpool_one(const Pool2dGeom& g, const float* x, int64_t i, float* y, int32_t* argmax) {
  const int64_t PQ = g.P * g.Q, plane = i / PQ, pq = i - plane * PQ, p = pq / g.Q, q = pq - p * g.Q;
  const float* xp = x + plane * g.H * g.W;
  const Window win = window_of(g, p, q);
  float best = -INFINITY;
  int64_t arg = win.ha * g.W + win.wa;
  for (int64_t h = win.ha; h < win.hb; ++h)
    for (int64_t w = win.wa; w < win.wb; ++w) {
      const float v = xp[h * g.W + w];
      if (v > best || v != v) {
        best = v;
        arg = h * g.W + w;
      }
    }
  y[i] = best;
  argmax[i] = static_cast<int32_t>(arg);
}

__global__ void maxpool_forward_kernel(Pool2dGeom g, const float* x, float* y, int32_t* argmax) {
  LTH_CUDA_FOR(i, g.N * g.C * g.P * g.Q) maxpool_one(g, x, i, y, argmax);
}

// Flags for output i's argmax: 1 = outside the plane, 2 = inside the plane but outside its window.
LTH_HD int argmax_flags(const Pool2dGeom& g, const int32_t* argmax, int64_t i) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  const int64_t a = argmax[i];
  if (a < 0 || a >= HW) return 1;
  const int64_t pq = i % PQ, p = pq / g.Q, q = pq - p * g.Q, h = a / g.W, w = a - h * g.W;
  const Window win = window_of(g, p, q);
  return (h >= win.ha && h < win.hb && w >= win.wa && w < win.wb) ? 0 : 2;
}

__global__ void maxpool_check_kernel(Pool2dGeom g, const int32_t* argmax, int* flags) {
  int f = 0;
  LTH_CUDA_FOR(i, g.N * g.C * g.P * g.Q) f |= argmax_flags(g, argmax, i);
  if (f) atomicOr(flags, f);
}

// dx element i of [N,C,H,W]: Σ dy over the windows containing it whose argmax is it, in output order.
LTH_HD float maxpool_gather_one(const Pool2dGeom& g, const float* dy, const int32_t* argmax, int64_t i) {
  const int64_t HW = g.H * g.W, plane = i / HW, hw = i - plane * HW, h = hw / g.W, w = hw - h * g.W;
  int64_t p0, p1, q0, q1;
  covering(h, g.kh, g.stride_h, g.pad_h, g.P, p0, p1);
  covering(w, g.kw, g.stride_w, g.pad_w, g.Q, q0, q1);
  const int64_t base = plane * g.P * g.Q;
  float acc = 0.0f;
  for (int64_t p = p0; p <= p1; ++p)
    for (int64_t q = q0; q <= q1; ++q) {
      const int64_t o = base + p * g.Q + q;
      if (argmax[o] == hw) acc += dy[o];
    }
  return acc;
}

__global__ void maxpool_gather_kernel(Pool2dGeom g, const float* dy, const int32_t* argmax, float* dx) {
  LTH_CUDA_FOR(i, g.N * g.C * g.H * g.W) dx[i] = maxpool_gather_one(g, dy, argmax, i);
}

// Fallback (some argmax outside its window): the CPU's scatter, one thread per (n,c) plane; dx is zeroed
// before. Indices were checked to lie in the plane.
__global__ void maxpool_scatter_kernel(Pool2dGeom g, const float* dy, const int32_t* argmax, float* dx) {
  const int64_t HW = g.H * g.W, PQ = g.P * g.Q;
  LTH_CUDA_FOR(plane, g.N * g.C) {
    float* d = dx + plane * HW;
    for (int64_t j = 0; j < PQ; ++j) d[argmax[plane * PQ + j]] += dy[plane * PQ + j];
  }
}

// ---- average pooling ---------------------------------------------------------------------------------------

LTH_HD float avg_scale(const Pool2dGeom& g, bool include_pad, const Window& win) {
  const int64_t count = include_pad ? g.kh * g.kw : (win.hb - win.ha) * (win.wb - win.wa);
  return count > 0 ? 1.0f / static_cast<float>(count) : 0.0f;
}

LTH_HD float avgpool_one(const Pool2dGeom& g, bool include_pad, const float* x, int64_t i) {
  const int64_t PQ = g.P * g.Q, plane = i / PQ, pq = i - plane * PQ, p = pq / g.Q, q = pq - p * g.Q;
  const float* xp = x + plane * g.H * g.W;
  const Window win = window_of(g, p, q);
  float acc = 0.0f;
  for (int64_t h = win.ha; h < win.hb; ++h)
    for (int64_t w = win.wa; w < win.wb; ++w) acc += xp[h * g.W + w];
  return acc * avg_scale(g, include_pad, win);
}

__global__ void avgpool_forward_kernel(Pool2dGeom g, bool include_pad, const float* x, float* y) {
  LTH_CUDA_FOR(i, g.N * g.C * g.P * g.Q) y[i] = avgpool_one(g, include_pad, x, i);
}

LTH_HD float avgpool_gather_one(const Pool2dGeom& g, bool include_pad, const float* dy, int64_t i) {
  const int64_t HW = g.H * g.W, plane = i / HW, hw = i - plane * HW, h = hw / g.W, w = hw - h * g.W;
  int64_t p0, p1, q0, q1;
  covering(h, g.kh, g.stride_h, g.pad_h, g.P, p0, p1);
  covering(w, g.kw, g.stride_w, g.pad_w, g.Q, q0, q1);
  const float* d = dy + plane * g.P * g.Q;
  float acc = 0.0f;
  for (int64_t p = p0; p <= p1; ++p)
    for (int64_t q = q0; q <= q1; ++q) acc += d[p * g.Q + q] * avg_scale(g, include_pad, window_of(g, p, q));
  return acc;
}

__global__ void avgpool_backward_kernel(Pool2dGeom g, bool include_pad, const float* dy, float* dx) {
  LTH_CUDA_FOR(i, g.N * g.C * g.H * g.W) dx[i] = avgpool_gather_one(g, include_pad, dy, i);
}

}  // namespace

void maxpool2d_forward(const Pool2dGeom& g, const float* x, float* y, int32_t* argmax) {
  const int64_t n = g.N * g.C * g.P * g.Q;
  if (n == 0) return;
  maxpool_forward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(g, x, y, argmax);
  check_launch("maxpool2d_forward");
  finish("maxpool2d_forward");
}

void maxpool2d_backward(const Pool2dGeom& g, const float* dy, const int32_t* argmax, float* dx) {
  const int64_t nin = g.N * g.C * g.H * g.W, nout = g.N * g.C * g.P * g.Q;
  if (nin == 0) return;
  int flags = 0;
  if (nout > 0) {
    Scratch f(sizeof(int));
    check(cudaMemsetAsync(f.as<int>(), 0, sizeof(int), stream()), "cudaMemsetAsync (maxpool flags)");
    maxpool_check_kernel<<<grid_for(nout, kThreads), kThreads, 0, stream()>>>(g, argmax, f.as<int>());
    check_launch("maxpool2d_backward_check");
    copy_to_host(&flags, f.as<int>(), sizeof(int));
  }
  if (flags & 1) {  // error path only: name the first bad index in the CPU's (plane, output) order, as it does
    std::vector<int32_t> am(static_cast<size_t>(nout));
    copy_to_host(am.data(), argmax, am.size() * sizeof(int32_t));
    for (int32_t a : am)
      LTH_CHECK(a >= 0 && a < g.H * g.W, code::kArg, "maxpool2d_backward: argmax ", a,
                " is outside the input plane of ", g.H * g.W, " elements");
    fail(code::kCuda, "maxpool2d_backward: the check kernel flagged an argmax the host finds in range");
  }
  if (flags & 2) {
    check(cudaMemsetAsync(dx, 0, static_cast<size_t>(nin) * sizeof(float), stream()), "cudaMemsetAsync (dx)");
    maxpool_scatter_kernel<<<grid_for(g.N * g.C, 64), 64, 0, stream()>>>(g, dy, argmax, dx);
    check_launch("maxpool2d_backward_scatter");
  } else {
    maxpool_gather_kernel<<<grid_for(nin, kThreads), kThreads, 0, stream()>>>(g, dy, argmax, dx);
    check_launch("maxpool2d_backward");
  }
  finish("maxpool2d_backward");
}

void avgpool2d_forward(const Pool2dGeom& g, bool count_include_pad, const float* x, float* y) {
  const int64_t n = g.N * g.C * g.P * g.Q;
  if (n == 0) return;
  avgpool_forward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(g, count_include_pad, x, y);
  check_launch("avgpool2d_forward");
  finish("avgpool2d_forward");
}

void avgpool2d_backward(const Pool2dGeom& g, bool count_include_pad, const float* dy, float* dx) {
  const int64_t n = g.N * g.C * g.H * g.W;
  if (n == 0) return;
  avgpool_backward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(g, count_include_pad, dy, dx);
  check_launch("avgpool2d_backward");
  finish("avgpool2d_backward");
}

}  // namespace lth::cuda
