// Device pieces shared by the softmax cross-entropy kernels (softmax_cross_entropy.cu,
// softmax_cross_entropy_batched.cu), so the batched op gives each trial exactly the bits of the unbatched one: the
// per-row loss of one warp and the fixed-order block sum.
#pragma once
#include <cmath>
#include <cstdint>

namespace lth::cuda::ce {

constexpr int kThreads = 256;  // block size of the row and sum kernels

// The first maximum of a row: the larger value, ties to the lower index; idx < 0 means "no value yet".
// NaN entries are never candidates (the CPU's `row[j] > row[arg]` never picks one), which gives the CPU's
// answer except when row[0] is NaN, handled in softmax_row.
struct ArgMax {
  float v;
  int64_t idx;
};

__device__ __forceinline__ ArgMax better(ArgMax a, ArgMax b) {
  if (b.idx < 0) return a;
  if (a.idx < 0) return b;
  if (b.v > a.v || (b.v == a.v && b.idx < a.idx)) return b;
  return a;
}

// One warp computes row [C] with its label: dlogits row (softmax − onehot) / B when drow is not null, and from
// lane 0 the row's loss and whether the first maximum is the label. Every lane of the warp must call it.
__device__ __forceinline__ void softmax_row(const float* row, int64_t C, int32_t label, int64_t B, float* drow,
                                            double* loss, uint8_t* hit) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  ArgMax best{0.0f, -1};
  for (int64_t j = lane; j < C; j += 32) {
    const float v = row[j];
    if (v == v) best = better(best, ArgMax{v, j});
  }
  for (int off = 16; off > 0; off >>= 1) {
    ArgMax o;
    o.v = __shfl_xor_sync(0xffffffffu, best.v, off);
    o.idx = __shfl_xor_sync(0xffffffffu, best.idx, off);
    best = better(best, o);
  }
  const int64_t arg = (best.idx < 0 || row[0] != row[0]) ? 0 : best.idx;
  const double m = row[arg];
  double s = 0.0;
  for (int64_t j = lane; j < C; j += 32) s += exp(static_cast<double>(row[j]) - m);
  for (int off = 16; off > 0; off >>= 1) s += __shfl_xor_sync(0xffffffffu, s, off);  // same bits in every lane
  const double lse = m + log(s);
  if (drow) {
    const double nb = static_cast<double>(B);
    for (int64_t j = lane; j < C; j += 32) {
      const double sm = exp(static_cast<double>(row[j]) - lse);
      drow[j] = static_cast<float>((sm - (j == label ? 1.0 : 0.0)) / nb);
    }
  }
  if (lane == 0) {
    *loss = lse - static_cast<double>(row[label]);
    *hit = arg == label ? 1 : 0;
  }
}

// One block of kThreads adds n per-row losses and hits: thread k takes rows k, k + kThreads, … then a fixed
// tree, so the sum does not depend on the GPU. Every thread must call it; thread 0 gets the totals.
__device__ __forceinline__ void block_sum(int64_t n, const double* loss, const uint8_t* hit, double* loss_sum,
                                          unsigned long long* correct) {
  __shared__ double sl[kThreads];
  __shared__ unsigned long long sc[kThreads];
  double l = 0.0;
  unsigned long long c = 0;
  for (int64_t b = threadIdx.x; b < n; b += kThreads) {
    l += loss[b];
    c += hit[b];
  }
  sl[threadIdx.x] = l;
  sc[threadIdx.x] = c;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half >>= 1) {
    if (static_cast<int>(threadIdx.x) < half) {
      sl[threadIdx.x] += sl[threadIdx.x + half];
      sc[threadIdx.x] += sc[threadIdx.x + half];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    *loss_sum = sl[0];
    *correct = sc[0];
  }
}

}  // namespace lth::cuda::ce
