// Global average pooling on CUDA, [N,C,H,W] -> [N,C] and back (definition: src/cpu/global_avgpool.cpp,
// namespace ref): one warp per (n,c) row forward, one thread per input element backward.
#include <cstdint>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

// y[r] = mean of row r of x [rows, HW]: one warp per row (grid-stride over rows).
__global__ void global_avg_forward_kernel(int64_t rows, int64_t HW, const float* x, float* y) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int64_t warp = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int64_t nwarps = static_cast<int64_t>(gridDim.x) * blockDim.x / 32;
  const float inv = HW > 0 ? 1.0f / static_cast<float>(HW) : 0.0f;
  for (int64_t r = warp; r < rows; r += nwarps) {  // uniform across the warp: the shuffle sees all lanes
    const float* row = x + r * HW;
    float s = 0.0f;
    for (int64_t j = lane; j < HW; j += 32) s += row[j];
    for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
    if (lane == 0) y[r] = s * inv;
  }
}

__global__ void global_avg_backward_kernel(int64_t n, int64_t HW, const float* dy, float* dx) {
  const float inv = 1.0f / static_cast<float>(HW);
  LTH_CUDA_FOR(i, n) dx[i] = dy[i / HW] * inv;
}

}  // namespace

void global_avgpool_forward(int64_t N, int64_t C, int64_t HW, const float* x, float* y) {
  const int64_t rows = N * C;
  if (rows == 0) return;
  global_avg_forward_kernel<<<grid_for(rows, kThreads / 32), kThreads, 0, stream()>>>(rows, HW, x, y);
  check_launch("global_avgpool_forward");
  finish("global_avgpool_forward");
}

void global_avgpool_backward(int64_t N, int64_t C, int64_t HW, const float* dy, float* dx) {
  const int64_t n = N * C * HW;
  if (n == 0 || HW == 0) return;
  global_avg_backward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, HW, dy, dx);
  check_launch("global_avgpool_backward");
  finish("global_avgpool_backward");
}

}  // namespace lth::cuda
