// ReLU on the CPU: y = max(x, 0) (NaN propagates); backward dx = dy where y > 0, else 0.
#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void relu_forward(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}
}  // namespace ref

namespace {
constexpr int64_t kGrain = int64_t{1} << 16;

LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void relu_span(int64_t a, int64_t b, const float* x, float* y) {
  for (int64_t i = a; i < b; ++i) y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void relu_backward_span(int64_t a, int64_t b, const float* y, const float* dy, float* dx) {
  for (int64_t i = a; i < b; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}
}  // namespace

void relu_forward(int64_t n, const float* x, float* y) {
  parallel_for(n, kGrain, [&](int64_t a, int64_t b) { relu_span(a, b, x, y); });
}

void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  parallel_for(n, kGrain, [&](int64_t a, int64_t b) { relu_backward_span(a, b, y, dy, dx); });
}

}  // namespace lth::cpu
