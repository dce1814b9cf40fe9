// Softmax cross-entropy on the CPU: mean over the batch of −log softmax(logits)[label] (log-sum-exp with
// the row maximum subtracted), the number of rows whose first maximum is the label, and optionally
// dlogits = (softmax − onehot) / B. Labels are all checked before any work (ERR_ARG); B = 0 gives loss 0
// and 0 correct.
#include <cmath>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace {
void check_labels(int64_t B, int64_t C, const int32_t* labels) {
  for (int64_t b = 0; b < B; ++b)
    LTH_CHECK(labels[b] >= 0 && labels[b] < C, code::kArg, "softmax_cross_entropy: label ", labels[b], " at row ", b,
              " is outside [0, ", C, ")");
}

// Index of the first maximum (NaN never compares greater, so it is skipped unless the row starts with it).
inline int64_t first_argmax(const float* row, int64_t C) {
  int64_t arg = 0;
  for (int64_t j = 1; j < C; ++j)
    if (row[j] > row[arg]) arg = j;
  return arg;
}
}  // namespace

namespace ref {
CeResult softmax_cross_entropy(int64_t B, int64_t C, const float* logits, const int32_t* labels, float* dlogits) {
  check_labels(B, C, labels);
  double total = 0;
  int64_t correct = 0;
  for (int64_t b = 0; b < B; ++b) {
    const float* row = logits + b * C;
    const int64_t arg = first_argmax(row, C);
    const double m = row[arg];
    double sum = 0;
    for (int64_t j = 0; j < C; ++j) sum += std::exp(static_cast<double>(row[j]) - m);
    const double lse = m + std::log(sum);
    total += lse - row[labels[b]];
    if (arg == labels[b]) ++correct;
    if (dlogits)
      for (int64_t j = 0; j < C; ++j) {
        const double sm = std::exp(static_cast<double>(row[j]) - lse);
        dlogits[b * C + j] = static_cast<float>((sm - (j == labels[b] ? 1.0 : 0.0)) / static_cast<double>(B));
      }
  }
  return {B > 0 ? total / static_cast<double>(B) : 0.0, correct};
}
}  // namespace ref

// Rows in parallel; each row's loss is kept and summed in row order afterwards, so the loss is the same
// for every thread count.
CeResult softmax_cross_entropy(int64_t B, int64_t C, const float* logits, const int32_t* labels, float* dlogits) {
  check_labels(B, C, labels);
  if (B == 0) return {0.0, 0};
  std::vector<double> loss(static_cast<size_t>(B));
  std::vector<uint8_t> hit(static_cast<size_t>(B));
  const float invB = 1.0f / static_cast<float>(B);
  parallel_for(B, 1 + 4096 / (C + 1), [&](int64_t b0, int64_t b1) {
    std::vector<float> e(static_cast<size_t>(C));
    for (int64_t b = b0; b < b1; ++b) {
      const float* row = logits + b * C;
      const int64_t arg = first_argmax(row, C);
      const float m = row[arg];
      double sum = 0;
      for (int64_t j = 0; j < C; ++j) {
        e[j] = std::exp(row[j] - m);
        sum += e[j];
      }
      const int32_t label = labels[b];
      loss[b] = static_cast<double>(m) + std::log(sum) - static_cast<double>(row[label]);
      hit[b] = arg == label;
      if (dlogits) {
        float* d = dlogits + b * C;
        const float scale = static_cast<float>(1.0 / sum) * invB;
        for (int64_t j = 0; j < C; ++j) d[j] = e[j] * scale;
        d[label] -= invB;
      }
    }
  });
  double total = 0;
  int64_t correct = 0;
  for (int64_t b = 0; b < B; ++b) {
    total += loss[b];
    correct += hit[b];
  }
  return {total / static_cast<double>(B), correct};
}

}  // namespace lth::cpu
