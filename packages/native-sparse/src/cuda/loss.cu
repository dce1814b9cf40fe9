// Losses on CUDA: softmax cross-entropy over logits [B,C] with int32 labels, and the sigmoid binary
// cross-entropy over one logit per example (definitions: src/cpu/softmax_cross_entropy.cpp and
// sigmoid_bce.cpp, namespace ref). Both return the mean loss over the batch, the count of correct
// predictions and optionally dlogits (… − target) / B, evaluated in double per element like ref.
//
// Label check first, without a round trip: a kernel records the lowest bad row (atomicMin of an index is
// order-independent); the loss kernel, enqueued behind it, reads that flag and writes nothing when it is set,
// so a bad label throws ERR_ARG (with the CPU's message) before any output is written, and the whole op
// still waits on the stream once.
//
// Reductions are deterministic: per-row losses go to scratch and one block adds them with a fixed
// assignment of rows to threads and a fixed tree; the warp reductions of a row use a fixed butterfly.
#include <cmath>
#include <cstdint>

#include "common.cuh"
#include "softmax_ce.cuh"

namespace lth::cuda {

namespace {

constexpr unsigned long long kNoBadRow = ~0ull;
constexpr int kThreads = ce::kThreads;

// What the op copies back: the summed loss, the correct count and the lowest row with a bad label.
struct Totals {
  double loss;
  unsigned long long correct;
  unsigned long long bad_row;
};

__global__ void check_class_labels(int64_t B, int64_t C, const int32_t* labels, Totals* t) {
  LTH_CUDA_FOR(b, B) {
    const int32_t y = labels[b];
    if (y < 0 || y >= C) atomicMin(&t->bad_row, static_cast<unsigned long long>(b));
  }
}

__global__ void check_binary_labels(int64_t B, const float* labels, Totals* t) {
  LTH_CUDA_FOR(b, B) {
    const float y = labels[b];
    if (!(y >= 0.0f && y <= 1.0f)) atomicMin(&t->bad_row, static_cast<unsigned long long>(b));  // NaN is bad
  }
}

// One warp per row (grid-stride over rows, uniform within the warp). Writes loss[b], hit[b] and dlogits.
__global__ void __launch_bounds__(kThreads)
    softmax_ce_rows(int64_t B, int64_t C, const float* logits, const int32_t* labels, float* dlogits,
                    const Totals* t, double* loss, uint8_t* hit) {
  if (t->bad_row != kNoBadRow) return;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (kThreads / 32);
  for (int64_t b = static_cast<int64_t>(blockIdx.x) * (kThreads / 32) + threadIdx.x / 32; b < B; b += warps) {
    ce::softmax_row(logits + b * C, C, labels[b], B, dlogits ? dlogits + b * C : nullptr, loss + b, hit + b);
  }
}

// σ(z) without overflow: exp of a non-positive number only.
__device__ __forceinline__ double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exp(-z));
  const double e = exp(z);
  return e / (1.0 + e);
}

__global__ void sigmoid_bce_rows(int64_t B, const float* logits, const float* labels, float* dlogits, const Totals* t,
                                 double* loss, uint8_t* hit) {
  if (t->bad_row != kNoBadRow) return;
  LTH_CUDA_FOR(b, B) {
    const double z = logits[b], y = labels[b];
    loss[b] = (z < 0.0 ? 0.0 : z) - z * y + log1p(exp(-fabs(z)));
    hit[b] = (z > 0) == (y > 0.5) ? 1 : 0;
    if (dlogits) dlogits[b] = static_cast<float>((sigmoid(z) - y) / static_cast<double>(B));
  }
}

// One block: t->loss = Σ loss[b], t->correct = Σ hit[b]; thread k adds rows k, k + 256, … then a fixed tree.
__global__ void __launch_bounds__(kThreads) sum_rows(int64_t B, const double* loss, const uint8_t* hit, Totals* t) {
  if (t->bad_row != kNoBadRow) return;  // uniform: read by every thread before any barrier
  ce::block_sum(B, loss, hit, &t->loss, &t->correct);
}

// Scratch for one loss evaluation: the totals (bad_row preset to "none") and per-row loss and hit.
struct LossScratch {
  explicit LossScratch(int64_t B)
      : totals(sizeof(Totals)), rows(static_cast<size_t>(B) * sizeof(double)), hits(static_cast<size_t>(B)) {
    check(cudaMemsetAsync(totals.as<Totals>(), 0xff, sizeof(Totals), stream()), "cudaMemsetAsync (loss)");
  }
  Scratch totals, rows, hits;
};

// Sum the rows, copy the totals back (waits) and return them.
Totals finish_totals(int64_t B, LossScratch& s, const char* op) {
  sum_rows<<<1, kThreads, 0, stream()>>>(B, s.rows.as<double>(), s.hits.as<uint8_t>(), s.totals.as<Totals>());
  check_launch(op);
  Totals t{};
  copy_to_host(&t, s.totals.as<Totals>(), sizeof t);  // waits
  finish(op);
  return t;
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

CeResult sigmoid_bce(int64_t B, const float* logits, const float* labels, float* dlogits) {
  if (B == 0) return {0.0, 0};
  LossScratch s(B);
  check_binary_labels<<<grid_for(B, kThreads), kThreads, 0, stream()>>>(B, labels, s.totals.as<Totals>());
  check_launch("sigmoid_bce (labels)");
  sigmoid_bce_rows<<<grid_for(B, kThreads), kThreads, 0, stream()>>>(B, logits, labels, dlogits, s.totals.as<Totals>(),
                                                                      s.rows.as<double>(), s.hits.as<uint8_t>());
  check_launch("sigmoid_bce");
  const Totals t = finish_totals(B, s, "sigmoid_bce");
  if (t.bad_row != kNoBadRow) {
    float label = 0.0f;
    copy_to_host(&label, labels + t.bad_row, sizeof label);
    fail(code::kArg, "sigmoid_bce: label ", label, " at row ", t.bad_row, " is outside [0, 1]");
  }
  return {t.loss / static_cast<double>(B), static_cast<int64_t>(t.correct)};
}

}  // namespace lth::cuda
