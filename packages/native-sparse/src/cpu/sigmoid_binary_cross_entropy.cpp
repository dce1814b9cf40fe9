// Sigmoid binary cross-entropy on the CPU (one logit per example): the mean over the batch of
// max(z,0) − z·y + log1p(exp(−|z|)) (= −y·log σ(z) − (1−y)·log(1−σ(z)), never overflowing), the number of
// examples with (z > 0) == (y > 0.5), and optionally dlogits = (σ(z) − y) / B. Labels are checked first
// (ERR_ARG for a label outside [0,1] or NaN); B = 0 gives loss 0 and 0 correct.
#include <algorithm>
#include <cmath>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace {
void check_labels(int64_t B, const float* labels) {
  for (int64_t b = 0; b < B; ++b)
    LTH_CHECK(labels[b] >= 0.0f && labels[b] <= 1.0f, code::kArg, "sigmoid_binary_cross_entropy: label ", labels[b],
              " at row ", b, " is outside [0, 1]");
}

// σ(z) without overflow: exp of a non-positive number only.
inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline double bce(double z, double y) { return std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::fabs(z))); }
}  // namespace

namespace ref {
CeResult sigmoid_binary_cross_entropy(int64_t B, const float* logits, const float* labels, float* dlogits) {
  check_labels(B, labels);
  double total = 0;
  int64_t correct = 0;
  for (int64_t b = 0; b < B; ++b) {
    const double z = logits[b], y = labels[b];
    total += bce(z, y);
    if ((z > 0) == (y > 0.5)) ++correct;
    if (dlogits) dlogits[b] = static_cast<float>((sigmoid(z) - y) / static_cast<double>(B));
  }
  return {B > 0 ? total / static_cast<double>(B) : 0.0, correct};
}
}  // namespace ref

// Examples in parallel; per-example losses are summed in order afterwards, so the loss does not depend on
// the thread count.
CeResult sigmoid_binary_cross_entropy(int64_t B, const float* logits, const float* labels, float* dlogits) {
  check_labels(B, labels);
  if (B == 0) return {0.0, 0};
  std::vector<double> loss(static_cast<size_t>(B));
  std::vector<uint8_t> hit(static_cast<size_t>(B));
  const double invB = 1.0 / static_cast<double>(B);
  parallel_for(B, 4096, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const double z = logits[b], y = labels[b];
      loss[b] = bce(z, y);
      hit[b] = (z > 0) == (y > 0.5);
      if (dlogits) dlogits[b] = static_cast<float>((sigmoid(z) - y) * invB);
    }
  });
  double total = 0;
  int64_t correct = 0;
  for (int64_t b = 0; b < B; ++b) {
    total += loss[b];
    correct += hit[b];
  }
  return {total * invB, correct};
}

}  // namespace lth::cpu
