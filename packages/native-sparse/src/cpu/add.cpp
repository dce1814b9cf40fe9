// Residual add on the CPU: y = a + b (y may alias a or b).
#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void add_forward(int64_t n, const float* a, const float* b, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}
}  // namespace ref

namespace {
LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void add_span(int64_t i0, int64_t i1, const float* a, const float* b, float* y) {
  for (int64_t i = i0; i < i1; ++i) y[i] = a[i] + b[i];
}
}  // namespace

void add_forward(int64_t n, const float* a, const float* b, float* y) {
  parallel_for(n, int64_t{1} << 16, [&](int64_t i0, int64_t i1) { add_span(i0, i1, a, b, y); });
}

}  // namespace lth::cpu
