// Softmax cross-entropy on CUDA over logits [B,C] with int32 labels (definition: src/cpu/softmax_cross_entropy.cpp,
// namespace ref): the mean loss over the batch, the count of correct rows and optionally dlogits (softmax − onehot)
// / B, evaluated in double per element like ref; one warp per row (softmax_ce.cuh). Label check and sums:
// loss_totals.cuh.
#include <cmath>
#include <cstdint>

#include "common.cuh"
#include "loss_totals.cuh"
#include "softmax_ce.cuh"

namespace lth::cuda {

namespace {

__global__ void check_class_labels(int64_t B, int64_t C, const int32_t* labels, Totals* t) {
  LTH_CUDA_FOR(b, B) {
    const int32_t y = labels[b];
    if (y < 0 || y >= C) atomicMin(&t->bad_row, static_cast<unsigned long long>(b));
  }
}

// One warp per row (grid-stride over rows, uniform within the warp). Writes loss[b], hit[b] and dlogits.
__global__ void __launch_bounds__(kThreads)
    softmax_ce_rows(int64_t B, int64_t C, const float* logits, const int32_t* labels, float* dlogits, const Totals* t,
                    double* loss, uint8_t* hit) {
  if (t->bad_row != kNoBadRow) return;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (kThreads / 32);
  for (int64_t b = static_cast<int64_t>(blockIdx.x) * (kThreads / 32) + threadIdx.x / 32; b < B; b += warps) {
    ce::softmax_row(logits + b * C, C, labels[b], B, dlogits ? dlogits + b * C : nullptr, loss + b, hit + b);
  }
}

}  // namespace

CeResult softmax_cross_entropy(int64_t B, int64_t C, const float* logits, const int32_t* labels, float* dlogits) {
  if (B == 0) return {0.0, 0};
  LossScratch s(B);
  check_class_labels<<<grid_for(B, kThreads), kThreads, 0, stream()>>>(B, C, labels, s.totals.as<Totals>());
  check_launch("softmax_cross_entropy (labels)");
  softmax_ce_rows<<<grid_for(B, kThreads / 32), kThreads, 0, stream()>>>(
      B, C, logits, labels, dlogits, s.totals.as<Totals>(), s.rows.as<double>(), s.hits.as<uint8_t>());
  check_launch("softmax_cross_entropy");
  const Totals t = finish_totals(B, s, "softmax_cross_entropy");
  if (t.bad_row != kNoBadRow) {
    int32_t label = 0;
    copy_to_host(&label, labels + t.bad_row, sizeof label);
    fail(code::kArg, "softmax_cross_entropy: label ", label, " at row ", t.bad_row, " is outside [0, ", C, ")");
  }
  return {t.loss / static_cast<double>(B), static_cast<int64_t>(t.correct)};
}

}  // namespace lth::cuda
