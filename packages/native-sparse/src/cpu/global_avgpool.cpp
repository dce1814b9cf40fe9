// Global average pooling on the CPU: x [N,C,HW] -> y [N,C] (mean over HW), and its backward pass
// dx[n,c,:] = dy[n,c] / HW.
#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void global_avgpool_forward(int64_t N, int64_t C, int64_t HW, const float* x, float* y) {
  for (int64_t i = 0; i < N * C; ++i) {
    double acc = 0;
    for (int64_t j = 0; j < HW; ++j) acc += x[i * HW + j];
    y[i] = HW > 0 ? static_cast<float>(acc / static_cast<double>(HW)) : 0.0f;
  }
}

void global_avgpool_backward(int64_t N, int64_t C, int64_t HW, const float* dy, float* dx) {
  for (int64_t i = 0; i < N * C; ++i)
    for (int64_t j = 0; j < HW; ++j)
      dx[i * HW + j] = static_cast<float>(static_cast<double>(dy[i]) / static_cast<double>(HW));
}
}  // namespace ref

namespace {
LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void mean_rows(int64_t r0, int64_t r1, int64_t HW, const float* x, float* y) {
  const float inv = HW > 0 ? 1.0f / static_cast<float>(HW) : 0.0f;
  for (int64_t i = r0; i < r1; ++i) {
    const float* row = x + i * HW;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t j = 0; j < HW; ++j) s += row[j];
    y[i] = s * inv;
  }
}

LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void broadcast_rows(int64_t r0, int64_t r1, int64_t HW, const float* dy, float* dx) {
  const float inv = 1.0f / static_cast<float>(HW);
  for (int64_t i = r0; i < r1; ++i) {
    const float v = dy[i] * inv;
    float* row = dx + i * HW;
    for (int64_t j = 0; j < HW; ++j) row[j] = v;
  }
}
}  // namespace

void global_avgpool_forward(int64_t N, int64_t C, int64_t HW, const float* x, float* y) {
  parallel_for(N * C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) { mean_rows(a, b, HW, x, y); });
}

void global_avgpool_backward(int64_t N, int64_t C, int64_t HW, const float* dy, float* dx) {
  if (HW == 0) return;
  parallel_for(N * C, 1 + (1 << 15) / (HW + 1), [&](int64_t a, int64_t b) { broadcast_rows(a, b, HW, dy, dx); });
}

}  // namespace lth::cpu
