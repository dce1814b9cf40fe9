// Adam/AdamW step on CUDA (definition: src/cpu/adam_step.cpp, namespace ref; PyTorch Adam / AdamW semantics).
// One thread per weight (grid-stride, 64-bit indices), evaluated in double like ref. Where mask == 0 the weight
// and its optimizer state are set to exactly 0, whatever they or the gradient held (even NaN). Elementwise, so
// the same inputs give the same bits.
#include <cmath>
#include <cstdint>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void adam_kernel(int64_t n, double lr, double b1, double b2, double eps, double wd, bool decoupled,
                            double bc1, double bc2_sqrt, float* w, const float* g, const uint8_t* mask, float* m,
                            float* v) {
  LTH_CUDA_FOR(i, n) {
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

void adam_step(int64_t n, const AdamParams& p, float* w, const float* g, const uint8_t* mask, float* m, float* v) {
  LTH_CHECK(p.step >= 1, code::kArg, "adam_step: step must be >= 1, got ", p.step);
  if (n <= 0) return;
  // Bias corrections once, on the host, in double (as in ref).
  const double s = static_cast<double>(p.step);
  const double bc1 = 1.0 - std::pow(static_cast<double>(p.beta1), s);
  const double bc2_sqrt = std::sqrt(1.0 - std::pow(static_cast<double>(p.beta2), s));
  adam_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, p.lr, p.beta1, p.beta2, p.eps, p.weight_decay,
                                                                p.decoupled, bc1, bc2_sqrt, w, g, mask, m, v);
  check_launch("adam_step");
  finish("adam_step");
}

}  // namespace lth::cuda
