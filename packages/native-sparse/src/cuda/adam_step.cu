// Adam/AdamW step on CUDA (definition: src/cpu/adam_step.cpp, namespace ref; PyTorch Adam / AdamW semantics).
// One thread per weight (grid-stride, 64-bit indices), evaluated in double like ref. Where mask == 0 the weight
// and its optimizer state are set to exactly 0, whatever they or the gradient held (even NaN). Elementwise, so
// the same inputs give the same bits.
#include <cmath>
#include <cstdint>

#include "common.cuh"
#include "positions_check.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

// Entries [0, count): weight i = pos ? pos[k] : k (pos: the positions step; it has no mask).
__global__ void adam_kernel(int64_t count, const int32_t* pos, double lr, double b1, double b2, double eps, double wd,
                            bool decoupled, double bc1, double bc2_sqrt, float* w, const float* g, const uint8_t* mask,
                            float* m, float* v) {
  LTH_CUDA_FOR(k, count) {
    const int64_t i = pos ? pos[k] : k;
    if (mask && !mask[i]) {
      w[i] = 0.0f;
      m[i] = 0.0f;
      v[i] = 0.0f;
      continue;
    }
    double wi = w[i], gi = g[i];
    if (decoupled) wi *= 1.0 - lr * wd;
    else gi += wd * wi;
    const double mi = b1 * m[i] + (1.0 - b1) * gi;
    const double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double denom = sqrt(vi) / bc2_sqrt + eps;
    w[i] = static_cast<float>(wi - (lr / bc1) * mi / denom);
  }
}

}  // namespace

namespace {
struct Correction {
  double bc1, bc2_sqrt;
};
// Bias corrections once, on the host, in double (as in ref).
Correction correction(const AdamParams& p) {
  LTH_CHECK(p.step >= 1, code::kArg, "adam_step: step must be >= 1, got ", p.step);
  const double s = static_cast<double>(p.step);
  return {1.0 - std::pow(static_cast<double>(p.beta1), s), std::sqrt(1.0 - std::pow(static_cast<double>(p.beta2), s))};
}

void launch(int64_t count, const int32_t* pos, const AdamParams& p, const Correction& c, float* w, const float* g,
            const uint8_t* mask, float* m, float* v) {
  adam_kernel<<<grid_for(count, kThreads), kThreads, 0, stream()>>>(
      count, pos, p.lr, p.beta1, p.beta2, p.eps, p.weight_decay, p.decoupled, c.bc1, c.bc2_sqrt, w, g, mask, m, v);
  check_launch("adam_step");
  finish("adam_step");
}
}  // namespace

void adam_step(int64_t n, const AdamParams& p, float* w, const float* g, const uint8_t* mask, float* m, float* v) {
  const Correction c = correction(p);
  if (n <= 0) return;
  launch(n, nullptr, p, c, w, g, mask, m, v);
}

void adam_step_at(int64_t npos, const int32_t* positions, int64_t n, const AdamParams& p, float* w, const float* g,
                  float* m, float* v) {
  const Correction c = correction(p);
  if (npos <= 0) return;
  validate_positions(npos, positions, n, "adam_step");
  launch(npos, positions, p, c, w, g, nullptr, m, v);
}

}  // namespace lth::cuda
