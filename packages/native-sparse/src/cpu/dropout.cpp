// Inverted dropout on the CPU: keep[i] = rng::uniform(seed, i) >= p; y = keep ? x / (1 − p) : 0, with the
// division done in float (the same bits on every device and thread count). p = 0 keeps everything.
#include "../kernels.h"
#include "../parallel.h"
#include "../rng.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, uint8_t* keep) {
  const float q = 1.0f - p;
  for (int64_t i = 0; i < n; ++i) {
    const bool k = rng::uniform(seed, static_cast<uint64_t>(i)) >= p;
    keep[i] = k ? 1 : 0;
    y[i] = k ? x[i] / q : 0.0f;
  }
}

void dropout_backward(int64_t n, float p, const uint8_t* keep, const float* dy, float* dx) {
  const float q = 1.0f - p;
  for (int64_t i = 0; i < n; ++i) dx[i] = keep[i] ? dy[i] / q : 0.0f;
}
}  // namespace ref

namespace {
constexpr int64_t kGrain = int64_t{1} << 15;

// rng::uniform(seed, i) written out so the loop vectorises (64-bit multiplies; AVX-512DQ on x86-64-v4).
LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void dropout_span(int64_t a, int64_t b, float p, uint64_t seed, const float* x, float* y, uint8_t* keep) {
  const float q = 1.0f - p;
  const uint64_t base = rng::mix64(seed);
  for (int64_t i = a; i < b; ++i) {
    const uint64_t z = rng::mix64(base + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(i) + 1));
    const float u = static_cast<float>(static_cast<int32_t>(z >> 40)) * (1.0f / 16777216.0f);
    const bool k = u >= p;
    keep[i] = k ? 1 : 0;
    y[i] = k ? x[i] / q : 0.0f;
  }
}

LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void dropout_backward_span(int64_t a, int64_t b, float p, const uint8_t* keep, const float* dy, float* dx) {
  const float q = 1.0f - p;
  for (int64_t i = a; i < b; ++i) dx[i] = keep[i] ? dy[i] / q : 0.0f;
}
}  // namespace

void dropout_forward(int64_t n, float p, uint64_t seed, const float* x, float* y, uint8_t* keep) {
  parallel_for(n, kGrain, [&](int64_t a, int64_t b) { dropout_span(a, b, p, seed, x, y, keep); });
}

void dropout_backward(int64_t n, float p, const uint8_t* keep, const float* dy, float* dx) {
  parallel_for(n, kGrain, [&](int64_t a, int64_t b) { dropout_backward_span(a, b, p, keep, dy, dx); });
}

}  // namespace lth::cpu
