// Adam / AdamW step on the CPU (PyTorch torch.optim.Adam / AdamW semantics), keeping pruned weights and
// both moments at 0.
//
//   decoupled (AdamW): w = w · (1 − lr · weight_decay), g' = g
//   else (Adam, L2):   g' = g + weight_decay · w
//   m = β1 · m + (1 − β1) · g'
//   v = β2 · v + (1 − β2) · g'²
//   w = w − (lr / (1 − β1^step)) · m / (sqrt(v) / sqrt(1 − β2^step) + eps)     (eps outside the sqrt)
//
// `step` is the 1-based count of this update (PyTorch increments its state step before the update).
// Where mask == 0 (pruned): w, m and v are set to exactly 0, whatever they or g held (even NaN).
#include <cmath>
#include <type_traits>

#include "../kernels.h"
#include "simd.h"
#include "../parallel.h"
#include "sparse_structure.h"

namespace lth::cpu {

namespace {
struct Correction {
  double bc1, bc2_sqrt;
};
Correction correction(const AdamParams& p) {
  LTH_CHECK(p.step >= 1, code::kArg, "adam_step: step must be >= 1, got ", p.step);
  double s = static_cast<double>(p.step);
  return {1.0 - std::pow(static_cast<double>(p.beta1), s), std::sqrt(1.0 - std::pow(static_cast<double>(p.beta2), s))};
}
}  // namespace

namespace ref {
void adam_step(int64_t n, const AdamParams& p, float* w, const float* g, const uint8_t* mask, float* m, float* v) {
  const Correction c = correction(p);
  const double lr = p.lr, b1 = p.beta1, b2 = p.beta2, eps = p.eps, wd = p.weight_decay;
  for (int64_t i = 0; i < n; ++i) {
    if (mask && !mask[i]) {
      w[i] = m[i] = v[i] = 0.0f;
      continue;
    }
    double wi = w[i], gi = g[i];
    if (p.decoupled) wi *= 1.0 - lr * wd;
    else gi += wd * wi;
    double mi = b1 * m[i] + (1.0 - b1) * gi;
    double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    double denom = std::sqrt(vi) / c.bc2_sqrt + eps;
    w[i] = static_cast<float>(wi - (lr / c.bc1) * mi / denom);
  }
}

void adam_step_at(int64_t npos, const int32_t* positions, int64_t n, const AdamParams& p, float* w, const float* g,
                  float* m, float* v) {
  const Correction c = correction(p);
  check_positions(npos, positions, n, "adam_step");
  const double lr = p.lr, b1 = p.beta1, b2 = p.beta2, eps = p.eps, wd = p.weight_decay;
  for (int64_t k = 0; k < npos; ++k) {
    const int64_t i = positions[k];
    double wi = w[i], gi = g[i];
    if (p.decoupled) wi *= 1.0 - lr * wd;
    else gi += wd * wi;
    double mi = b1 * m[i] + (1.0 - b1) * gi;
    double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    double denom = std::sqrt(vi) / c.bc2_sqrt + eps;
    w[i] = static_cast<float>(wi - (lr / c.bc1) * mi / denom);
  }
}
}  // namespace ref

namespace {

// The scalars of one step.
struct AdamScalars {
  float b1, b2, eps, wd_grad, w_scale, step_size, inv_bc2_sqrt;
};

// One element's update (w, m, v in place): the same correctly rounded operations for every form of the step.
// Explicit fused multiply-adds, none left for the compiler to contract: a contraction it chose differed between
// the vectorised body and the scalar tail, so an element's update depended on its position in the array (a
// trial's weights then came out differently stacked [T, …] than alone). Now every element gets the same
// correctly rounded operations on every path and ISA.
template <bool DECOUPLED>
inline __attribute__((always_inline)) void adam_update(const AdamScalars& k, float& w, float g, float& m, float& v) {
  float wi = w, gi = g;
  if constexpr (DECOUPLED) wi *= k.w_scale;
  else gi = std::fma(k.wd_grad, wi, gi);
  m = std::fma(k.b1, m, (1.0f - k.b1) * gi);
  v = std::fma(k.b2, v, (1.0f - k.b2) * (gi * gi));
  float denom = std::fma(std::sqrt(v), k.inv_bc2_sqrt, k.eps);
  w = wi - k.step_size * m / denom;  // the product feeds a division: nothing to contract
}

template <bool MASKED, bool DECOUPLED>
LTH_CLONES("avx512f", "avx2,fma", "default") void adam_chunk(
    int64_t b, int64_t e, AdamScalars k, float* __restrict w, const float* __restrict g,
    const uint8_t* __restrict mask, float* __restrict m, float* __restrict v) {
  for (int64_t i = b; i < e; ++i) {
    float wi = w[i], mi = m[i], vi = v[i];
    adam_update<DECOUPLED>(k, wi, g[i], mi, vi);
    if constexpr (MASKED) {
      bool alive = mask[i] != 0;
      mi = alive ? mi : 0.0f;
      vi = alive ? vi : 0.0f;
      wi = alive ? wi : 0.0f;
    }
    m[i] = mi;
    v[i] = vi;
    w[i] = wi;
  }
}

// Entries [b, e) of the positions list.
template <bool DECOUPLED>
LTH_CLONES("avx512f", "avx2,fma", "default") void adam_chunk_at(
    int64_t b, int64_t e, const int32_t* __restrict pos, AdamScalars k, float* __restrict w,
    const float* __restrict g, float* __restrict m, float* __restrict v) {
  for (int64_t q = b; q < e; ++q) {
    const int64_t i = pos[q];
    adam_update<DECOUPLED>(k, w[i], g[i], m[i], v[i]);
  }
}

AdamScalars scalars(const AdamParams& p) {
  const Correction c = correction(p);
  return {p.beta1,
          p.beta2,
          p.eps,
          p.weight_decay,
          static_cast<float>(1.0 - static_cast<double>(p.lr) * p.weight_decay),
          static_cast<float>(static_cast<double>(p.lr) / c.bc1),
          static_cast<float>(1.0 / c.bc2_sqrt)};
}

}  // namespace

void adam_step(int64_t n, const AdamParams& p, float* w, const float* g, const uint8_t* mask, float* m, float* v) {
  const AdamScalars k = scalars(p);
  parallel_for(n, 1 << 14, [&](int64_t b, int64_t e) {
    auto run = [&](auto masked, auto decoupled) {
      adam_chunk<decltype(masked)::value, decltype(decoupled)::value>(b, e, k, w, g, mask, m, v);
    };
    using T = std::true_type;
    using F = std::false_type;
    if (mask) p.decoupled ? run(T{}, T{}) : run(T{}, F{});
    else p.decoupled ? run(F{}, T{}) : run(F{}, F{});
  });
}

void adam_step_at(int64_t npos, const int32_t* positions, int64_t n, const AdamParams& p, float* w, const float* g,
                  float* m, float* v) {
  const AdamScalars k = scalars(p);
  check_positions(npos, positions, n, "adam_step");
  parallel_for(npos, 1 << 13, [&](int64_t b, int64_t e) {
    if (p.decoupled) adam_chunk_at<true>(b, e, positions, k, w, g, m, v);
    else adam_chunk_at<false>(b, e, positions, k, w, g, m, v);
  });
}

}  // namespace lth::cpu
