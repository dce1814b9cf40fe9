// Elementwise ops on CUDA: ReLU (forward/backward), inverted dropout (forward/backward) and the residual add
// (definitions: src/cpu/relu.cpp, dropout.cpp, add.cpp, namespace ref). Grid-stride loops with 64-bit
// indices; every element is a pure function of its inputs, so results are bit-identical run to run, and the
// dropout keep mask equals the CPU's bit for bit (rng.h is shared host/device code). Divisions are written
// as __fdiv_rn: correctly rounded whatever the compiler's division flags, like the CPU's x / (1 − p).
#include <cstdint>

#include "../rng.h"
#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void relu_kernel(int64_t n, const float* x, float* y) {
  LTH_CUDA_FOR(i, n) {
    const float v = x[i];
    y[i] = v < 0.0f ? 0.0f : v;  // NaN and −0 pass through, like the CPU
  }
}

__global__ void relu_backward_kernel(int64_t n, const float* y, const float* dy, float* dx) {
  LTH_CUDA_FOR(i, n) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

__global__ void dropout_kernel(int64_t n, float p, float q, uint64_t seed, const float* x, float* y, uint8_t* keep) {
  LTH_CUDA_FOR(i, n) {
    const bool k = rng::uniform(seed, static_cast<uint64_t>(i)) >= p;
    keep[i] = k ? 1 : 0;
    y[i] = k ? __fdiv_rn(x[i], q) : 0.0f;
  }
}

__global__ void dropout_backward_kernel(int64_t n, float q, const uint8_t* keep, const float* dy, float* dx) {
  LTH_CUDA_FOR(i, n) dx[i] = keep[i] ? __fdiv_rn(dy[i], q) : 0.0f;
}

__global__ void add_kernel(int64_t n, const float* a, const float* b, float* y) {
  LTH_CUDA_FOR(i, n) y[i] = __fadd_rn(a[i], b[i]);
}

}  // namespace

void relu_forward(int64_t n, const float* x, float* y) {
  if (n <= 0) return;
  relu_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, x, y);
  check_launch("relu_forward");
  finish("relu_forward");
}

void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  if (n <= 0) return;
  relu_backward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, y, dy, dx);
  check_launch("relu_backward");
  finish("relu_backward");
}

void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, uint8_t* keep) {
  if (n <= 0) return;
  dropout_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, p, 1.0f - p, seed, x, y, keep);
  check_launch("dropout_forward");
  finish("dropout_forward");
}

void dropout_backward(int64_t n, float p, const uint8_t* keep, const float* dy, float* dx) {
  if (n <= 0) return;
  dropout_backward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, 1.0f - p, keep, dy, dx);
  check_launch("dropout_backward");
  finish("dropout_backward");
}

void add_forward(int64_t n, const float* a, const float* b, float* y) {
  if (n <= 0) return;
  add_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, a, b, y);
  check_launch("add_forward");
  finish("add_forward");
}

}  // namespace lth::cuda
