// Softmax cross-entropy over a leading trial axis on CUDA (definition: src/cpu/softmax_cross_entropy_batched.cpp,
// ref): logits [T,B,C], labels + t·labels_trial_stride (B, or 0: one label row shared by every trial), dlogits
// [T,B,C] scaled 1/B per trial, per-trial mean loss and correct count — for all trials in four launches and one
// wait on the stream (a copy of T totals), instead of T loss calls that wait each.
//
// The row and sum kernels use the device code of softmax_cross_entropy.cu (softmax_ce.cuh: one warp per row, per trial
// one block adding its B rows in a fixed order), so trial t gets the bits of softmax_cross_entropy on its slice. A bad
// label anywhere stops every output (the label check runs first and the later kernels read its flag), and the lowest
// (trial, row) is reported, as on the CPU.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common.cuh"
#include "softmax_ce.cuh"

namespace lth::cuda {

namespace {

constexpr unsigned long long kNoBadLabel = ~0ull;
constexpr int kThreads = ce::kThreads;

struct TrialTotals {
  double loss;
  unsigned long long correct;
};

// n = trials checked · B labels; item k is row k % B of trial k / B.
__global__ void check_labels_batched(int64_t n, int64_t B, int64_t C, const int32_t* labels, int64_t stride,
                                     unsigned long long* bad) {
  LTH_CUDA_FOR(k, n) {
    const int64_t t = k / B, b = k - t * B;
    const int32_t y = labels[t * stride + b];
    if (y < 0 || y >= C) atomicMin(bad, static_cast<unsigned long long>(k));
  }
}

// One warp per row r of the T·B rows (trial r / B). Writes loss[r], hit[r] and the row of dlogits.
__global__ void __launch_bounds__(kThreads)
    softmax_ce_rows_batched(int64_t rows, int64_t B, int64_t C, const float* logits, const int32_t* labels,
                            int64_t stride, float* dlogits, const unsigned long long* bad, double* loss, uint8_t* hit) {
  if (*bad != kNoBadLabel) return;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (kThreads / 32);
  for (int64_t r = static_cast<int64_t>(blockIdx.x) * (kThreads / 32) + threadIdx.x / 32; r < rows; r += warps) {
    const int64_t t = r / B, b = r - t * B;
    ce::softmax_row(logits + r * C, C, labels[t * stride + b], B, dlogits ? dlogits + r * C : nullptr, loss + r,
                    hit + r);
  }
}

// Block t: totals[t] = Σ of trial t's B rows; thread k adds rows k, k + 256, … then a fixed tree (loss_totals.cuh's
// sum).
__global__ void __launch_bounds__(kThreads)
    sum_trials(int64_t B, const double* loss, const uint8_t* hit, const unsigned long long* bad, TrialTotals* totals) {
  if (*bad != kNoBadLabel) return;  // uniform: read by every thread before any barrier
  const int64_t t = blockIdx.x;
  ce::block_sum(B, loss + t * B, hit + t * B, &totals[t].loss, &totals[t].correct);
}

}  // namespace

void softmax_cross_entropy_batched(int64_t T, int64_t B, int64_t C, const float* logits, const int32_t* labels,
                                   int64_t labels_trial_stride, float* dlogits, CeResult* out) {
  const char* op = "softmax_cross_entropy_batched";
  if (T == 0) return;
  if (B == 0) {
    for (int64_t t = 0; t < T; ++t) out[t] = {0.0, 0};
    return;
  }
  // One scratch for what comes back, so a single copy (one wait) returns it: T totals, then the bad-label flag.
  const size_t totals_bytes = static_cast<size_t>(T) * sizeof(TrialTotals);
  Scratch back(totals_bytes + sizeof(unsigned long long));
  Scratch rows(static_cast<size_t>(T * B) * sizeof(double)), hits(static_cast<size_t>(T * B));
  auto* totals = back.as<TrialTotals>();
  auto* flag = reinterpret_cast<unsigned long long*>(back.as<char>() + totals_bytes);
  check(cudaMemsetAsync(flag, 0xff, sizeof(unsigned long long), stream()), "cudaMemsetAsync (loss)");
  const int64_t checked = (labels_trial_stride == 0 ? 1 : T) * B;
  check_labels_batched<<<grid_for(checked, kThreads), kThreads, 0, stream()>>>(checked, B, C, labels,
                                                                               labels_trial_stride, flag);
  check_launch("softmax_cross_entropy_batched (labels)");
  softmax_ce_rows_batched<<<grid_for(T * B, kThreads / 32), kThreads, 0, stream()>>>(
      T * B, B, C, logits, labels, labels_trial_stride, dlogits, flag, rows.as<double>(), hits.as<uint8_t>());
  check_launch(op);
  sum_trials<<<static_cast<unsigned>(T), kThreads, 0, stream()>>>(B, rows.as<double>(), hits.as<uint8_t>(), flag,
                                                                  totals);
  check_launch(op);
  std::vector<char> host(totals_bytes + sizeof(unsigned long long));
  copy_to_host(host.data(), back.as<char>(), host.size());  // waits
  finish(op);
  unsigned long long first_bad = 0;
  std::memcpy(&first_bad, host.data() + totals_bytes, sizeof first_bad);
  if (first_bad != kNoBadLabel) {
    const int64_t t = static_cast<int64_t>(first_bad) / B, b = static_cast<int64_t>(first_bad) - t * B;
    int32_t label = 0;
    copy_to_host(&label, labels + t * labels_trial_stride + b, sizeof label);
    fail(code::kArg, op, ": label ", label, " of trial ", t, " at row ", b, " is outside [0, ", C, ")");
  }
  for (int64_t t = 0; t < T; ++t) {
    TrialTotals tt{};
    std::memcpy(&tt, host.data() + static_cast<size_t>(t) * sizeof(TrialTotals), sizeof tt);
    out[t] = {tt.loss / static_cast<double>(B), static_cast<int64_t>(tt.correct)};
  }
}

}  // namespace lth::cuda
