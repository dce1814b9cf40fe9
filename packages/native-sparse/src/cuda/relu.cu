// ReLU on CUDA, forward and backward (definition: src/cpu/relu.cpp, namespace ref). A grid-stride loop with
// 64-bit indices; every element is a pure function of its inputs, so results are bit-identical run to run.
#include <cstdint>

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

}  // namespace lth::cuda
