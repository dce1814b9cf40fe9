// Sigmoid binary cross-entropy on CUDA, one logit per example (definition: src/cpu/sigmoid_binary_cross_entropy.cpp,
// namespace ref): the mean loss, the count of correct predictions and optionally dlogits (σ(z) − y) / B, in double
// per element like ref. Label check and sums: loss_totals.cuh.
#include <cmath>
#include <cstdint>

#include "common.cuh"
#include "loss_totals.cuh"
#include "softmax_ce.cuh"

namespace lth::cuda {

namespace {

__global__ void check_binary_labels(int64_t B, const float* labels, Totals* t) {
  LTH_CUDA_FOR(b, B) {
    const float y = labels[b];
    if (!(y >= 0.0f && y <= 1.0f)) atomicMin(&t->bad_row, static_cast<unsigned long long>(b));  // NaN is bad
  }
}

// σ(z) without overflow: exp of a non-positive number only.
__device__ __forceinline__ double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exp(-z));
  const double e = exp(z);
  return e / (1.0 + e);
}

__global__ void sigmoid_binary_cross_entropy_rows(int64_t B, const float* logits, const float* labels, float* dlogits,
                                                  const Totals* t, double* loss, uint8_t* hit) {
  if (t->bad_row != kNoBadRow) return;
  LTH_CUDA_FOR(b, B) {
    const double z = logits[b], y = labels[b];
    loss[b] = (z < 0.0 ? 0.0 : z) - z * y + log1p(exp(-fabs(z)));
    hit[b] = (z > 0) == (y > 0.5) ? 1 : 0;
    if (dlogits) dlogits[b] = static_cast<float>((sigmoid(z) - y) / static_cast<double>(B));
  }
}

}  // namespace

CeResult sigmoid_binary_cross_entropy(int64_t B, const float* logits, const float* labels, float* dlogits) {
  if (B == 0) return {0.0, 0};
  LossScratch s(B);
  check_binary_labels<<<grid_for(B, kThreads), kThreads, 0, stream()>>>(B, labels, s.totals.as<Totals>());
  check_launch("sigmoid_binary_cross_entropy (labels)");
  sigmoid_binary_cross_entropy_rows<<<grid_for(B, kThreads), kThreads, 0, stream()>>>(
      B, logits, labels, dlogits, s.totals.as<Totals>(), s.rows.as<double>(), s.hits.as<uint8_t>());
  check_launch("sigmoid_binary_cross_entropy");
  const Totals t = finish_totals(B, s, "sigmoid_binary_cross_entropy");
  if (t.bad_row != kNoBadRow) {
    float label = 0.0f;
    copy_to_host(&label, labels + t.bad_row, sizeof label);
    fail(code::kArg, "sigmoid_binary_cross_entropy: label ", label, " at row ", t.bad_row, " is outside [0, 1]");
  }
  return {t.loss / static_cast<double>(B), static_cast<int64_t>(t.correct)};
}

}  // namespace lth::cuda
