// Device pieces shared by the losses (softmax_cross_entropy.cu, sigmoid_binary_cross_entropy.cu): the totals an op
// copies back, the label-check flag, per-row scratch and the deterministic block sum of the rows.
//
// Label check first, without a round trip: a kernel records the lowest bad row (atomicMin of an index is
// order-independent); the loss kernel, enqueued behind it, reads that flag and writes nothing when it is set,
// so a bad label throws ERR_ARG (with the CPU's message) before any output is written, and the whole op
// still waits on the stream once. Reductions are deterministic: per-row losses go to scratch and one block adds
// them with a fixed assignment of rows to threads and a fixed tree.
#pragma once
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

}  // namespace lth::cuda
