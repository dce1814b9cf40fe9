// Inverted dropout on CUDA, forward and backward (definition: src/cpu/dropout.cpp, namespace ref). The keep
// mask equals the CPU's bit for bit (rng.h is shared host/device code). Divisions are written as __fdiv_rn:
// correctly rounded whatever the compiler's division flags, like the CPU's x / (1 − p).
#include <cstdint>

#include "../rng.h"
#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

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

}  // namespace

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

}  // namespace lth::cuda
