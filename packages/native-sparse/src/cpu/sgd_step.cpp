// SGD step on the CPU (PyTorch torch.optim.SGD semantics), keeping pruned weights and their velocity at 0.
//
//   g'   = g + weight_decay · w                      (L2 decay added to the gradient)
//   buf  = momentum · buf + (1 − dampening) · g'      (only when momentum != 0)
//   d    = nesterov ? g' + momentum · buf : buf       (d = g' when momentum == 0)
//   w    = w − lr · d
//
// First step: PyTorch sets buf = g' on the first step (no dampening) and uses the formula afterwards. This
// kernel has no step counter and does not guess one from an all-zero buffer, so it ALWAYS applies
// buf = momentum · buf + (1 − dampening) · g'. With a velocity buffer that starts at 0 this equals PyTorch
// from the first step whenever dampening == 0 (PyTorch's default, and the only value allowed with
// Nesterov); with dampening > 0 the first step differs from PyTorch by the factor (1 − dampening).
//
// When momentum == 0 the velocity buffer (null or not) is neither read nor written.
// Where mask == 0 (pruned): w = 0 and velocity = 0 exactly, whatever g, w or velocity held (even NaN).
#include <cmath>

#include "../kernels.h"
#include "simd.h"
#include "../parallel.h"
#include "sparse_structure.h"

namespace lth::cpu {

namespace ref {
void sgd_step(int64_t n, const SgdParams& p, float* w, const float* g, const uint8_t* mask, float* velocity) {
  const bool use_mom = p.momentum != 0.0f;
  LTH_CHECK(!use_mom || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  for (int64_t i = 0; i < n; ++i) {
    if (mask && !mask[i]) {
      w[i] = 0.0f;
      if (use_mom) velocity[i] = 0.0f;
      continue;
    }
    double gi = static_cast<double>(g[i]) + static_cast<double>(p.weight_decay) * w[i];
    double d = gi;
    if (use_mom) {
      double buf = static_cast<double>(p.momentum) * velocity[i] + (1.0 - static_cast<double>(p.dampening)) * gi;
      velocity[i] = static_cast<float>(buf);
      d = p.nesterov ? gi + static_cast<double>(p.momentum) * buf : buf;
    }
    w[i] = static_cast<float>(w[i] - static_cast<double>(p.lr) * d);
  }
}

void sgd_step_at(int64_t npos, const int32_t* positions, int64_t n, const SgdParams& p, float* w, const float* g,
                 float* velocity) {
  const bool use_mom = p.momentum != 0.0f;
  LTH_CHECK(!use_mom || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  check_positions(npos, positions, n, "sgd_step");
  for (int64_t k = 0; k < npos; ++k) {
    const int64_t i = positions[k];
    double gi = static_cast<double>(g[i]) + static_cast<double>(p.weight_decay) * w[i];
    double d = gi;
    if (use_mom) {
      double buf = static_cast<double>(p.momentum) * velocity[i] + (1.0 - static_cast<double>(p.dampening)) * gi;
      velocity[i] = static_cast<float>(buf);
      d = p.nesterov ? gi + static_cast<double>(p.momentum) * buf : buf;
    }
    w[i] = static_cast<float>(w[i] - static_cast<double>(p.lr) * d);
  }
}
}  // namespace ref

namespace {

// One chunk; MASKED and MOM are compile-time so each variant is a straight loop GCC vectorises (masked
// positions become a blend, never a branch). target_clones picks the widest ISA at load time.
// One element's update: the same correctly rounded operations for the masked, unmasked and positions steps.
template <bool MOM, bool NESTEROV>
inline __attribute__((always_inline)) float sgd_update(float wi, float g, float* vel, float lr, float mom, float damp1,
                                                        float wd) {
  float gi = std::fma(wd, wi, g);
  float d = gi;
  if constexpr (MOM) {
    float buf = std::fma(mom, *vel, damp1 * gi);
    d = NESTEROV ? std::fma(mom, buf, gi) : buf;
    *vel = buf;
  }
  return std::fma(-lr, d, wi);
}

// One chunk; MASKED and MOM are compile-time so each variant is a straight loop GCC vectorises (masked
// positions become a blend, never a branch). target_clones picks the widest ISA at load time.
template <bool MASKED, bool MOM, bool NESTEROV>
LTH_CLONES("avx512f", "avx2,fma", "default") void sgd_chunk(
    int64_t b, int64_t e, float lr, float mom, float damp1, float wd, float* __restrict w,
    const float* __restrict g, const uint8_t* __restrict mask, float* __restrict vel) {
  // Explicit fused multiply-adds, none left for the compiler to contract, so the vectorised body and the scalar
  // tail round alike and an element's update does not depend on its position (see adam_step.cpp).
  for (int64_t i = b; i < e; ++i) {
    float buf = MOM ? vel[i] : 0.0f;
    float nw = sgd_update<MOM, NESTEROV>(w[i], g[i], &buf, lr, mom, damp1, wd);
    if constexpr (MOM) {
      if constexpr (MASKED) buf = mask[i] ? buf : 0.0f;
      vel[i] = buf;
    }
    if constexpr (MASKED) nw = mask[i] ? nw : 0.0f;
    w[i] = nw;
  }
}

// Entries [b, e) of the positions list.
template <bool MOM, bool NESTEROV>
LTH_CLONES("avx512f", "avx2,fma", "default") void sgd_chunk_at(
    int64_t b, int64_t e, const int32_t* __restrict pos, float lr, float mom, float damp1, float wd,
    float* __restrict w, const float* __restrict g, float* __restrict vel) {
  for (int64_t k = b; k < e; ++k) {
    const int64_t i = pos[k];
    float buf = MOM ? vel[i] : 0.0f;
    w[i] = sgd_update<MOM, NESTEROV>(w[i], g[i], &buf, lr, mom, damp1, wd);
    if constexpr (MOM) vel[i] = buf;
  }
}

template <bool MASKED>
void sgd_dispatch(int64_t n, const SgdParams& p, float* w, const float* g, const uint8_t* mask, float* vel) {
  const float damp1 = 1.0f - p.dampening;
  parallel_for(n, 1 << 15, [&](int64_t b, int64_t e) {
    if (p.momentum == 0.0f) sgd_chunk<MASKED, false, false>(b, e, p.lr, 0.0f, damp1, p.weight_decay, w, g, mask, vel);
    else if (p.nesterov) sgd_chunk<MASKED, true, true>(b, e, p.lr, p.momentum, damp1, p.weight_decay, w, g, mask, vel);
    else sgd_chunk<MASKED, true, false>(b, e, p.lr, p.momentum, damp1, p.weight_decay, w, g, mask, vel);
  });
}

}  // namespace

void sgd_step_at(int64_t npos, const int32_t* positions, int64_t n, const SgdParams& p, float* w, const float* g,
                 float* velocity) {
  LTH_CHECK(p.momentum == 0.0f || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  check_positions(npos, positions, n, "sgd_step");
  const float damp1 = 1.0f - p.dampening;
  parallel_for(npos, 1 << 14, [&](int64_t b, int64_t e) {
    if (p.momentum == 0.0f) sgd_chunk_at<false, false>(b, e, positions, p.lr, 0.0f, damp1, p.weight_decay, w, g, velocity);
    else if (p.nesterov) sgd_chunk_at<true, true>(b, e, positions, p.lr, p.momentum, damp1, p.weight_decay, w, g, velocity);
    else sgd_chunk_at<true, false>(b, e, positions, p.lr, p.momentum, damp1, p.weight_decay, w, g, velocity);
  });
}

void sgd_step(int64_t n, const SgdParams& p, float* w, const float* g, const uint8_t* mask, float* velocity) {
  LTH_CHECK(p.momentum == 0.0f || velocity, code::kArg, "sgd_step: momentum ", p.momentum, " needs a velocity buffer");
  if (mask) sgd_dispatch<true>(n, p, w, g, mask, velocity);
  else sgd_dispatch<false>(n, p, w, g, mask, velocity);
}

}  // namespace lth::cpu
