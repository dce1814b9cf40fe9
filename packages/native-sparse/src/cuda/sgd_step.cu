// SGD step on CUDA (definition: src/cpu/sgd_step.cpp, namespace ref; PyTorch torch.optim.SGD semantics — see
// that file for the formulas and the first-step note on dampening).
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
__global__ void sgd_kernel(int64_t count, const int32_t* pos, double lr, double momentum, double damp1, double wd,
                           bool nesterov, float* w, const float* g, const uint8_t* mask, float* velocity) {
  const bool use_mom = momentum != 0.0;
  LTH_CUDA_FOR(k, count) {
    const int64_t i = pos ? pos[k] : k;
    if (mask && !mask[i]) {
      w[i] = 0.0f;
      if (use_mom) velocity[i] = 0.0f;
      continue;
    }
    const double wi = w[i];
    const double gi = static_cast<double>(g[i]) + wd * wi;
    double d = gi;
    if (use_mom) {
      const double buf = momentum * velocity[i] + damp1 * gi;
      velocity[i] = static_cast<float>(buf);
      d = nesterov ? gi + momentum * buf : buf;
    }
    w[i] = static_cast<float>(wi - lr * d);
  }
}

}  // namespace

void sgd_step(int64_t n, const SgdParams& p, float* w, const float* g, const uint8_t* mask, float* velocity) {
  LTH_CHECK(p.momentum == 0.0f || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  if (n <= 0) return;
  sgd_kernel<<<grid_for(n, kThreads), kThreads, 0, stream()>>>(n, nullptr, p.lr, p.momentum,
                                                               1.0 - static_cast<double>(p.dampening), p.weight_decay,
                                                               p.nesterov, w, g, mask, velocity);
  check_launch("sgd_step");
  finish("sgd_step");
}

void sgd_step_at(int64_t npos, const int32_t* positions, int64_t n, const SgdParams& p, float* w, const float* g,
                 float* velocity) {
  LTH_CHECK(p.momentum == 0.0f || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  if (npos <= 0) return;
  validate_positions(npos, positions, n, "sgd_step");
  sgd_kernel<<<grid_for(npos, kThreads), kThreads, 0, stream()>>>(npos, positions, p.lr, p.momentum,
                                                                  1.0 - static_cast<double>(p.dampening),
                                                                  p.weight_decay, p.nesterov, w, g, nullptr, velocity);
  check_launch("sgd_step");
  finish("sgd_step");
}

}  // namespace lth::cuda
