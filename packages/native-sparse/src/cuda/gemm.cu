// Dense GEMM on CUDA: C[M,N] = alpha·op(A)·op(B) + beta·C, row-major (definition: src/cpu/gemm.cpp, ref).
// The tiled kernel lives in gemm_kernel.cuh; this file picks the tile shape and the split-K slicing (both
// pure functions of M, N, K, so results do not depend on the GPU model) and launches.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "common.cuh"
#include "gemm_kernel.cuh"

namespace lth::cuda {

namespace tiled {

namespace {

// Split the reduction when there are few tiles and K is long: about 128 blocks in all, slices of at least
// 512, at most 32 slices, and partial sums of at most 2^26 floats (256 MiB).
int64_t slice_count(int64_t tiles, int64_t M, int64_t N, int64_t K) {
  if (tiles >= 64 || K < 2048) return 1;
  int64_t s = std::min<int64_t>({(128 + tiles - 1) / tiles, K / 512, 32});
  s = std::min<int64_t>(s, (int64_t{1} << 26) / std::max<int64_t>(M * N, 1));
  return std::max<int64_t>(s, 1);
}

template <int BM, int BN, int BK, bool TA, bool TB>
void launch_tiles(const Problem& p, int64_t tiles, int64_t slices, int64_t kps, float* partial, const char* name) {
  const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(p.batch), static_cast<unsigned>(slices));
  gemm_tile_kernel<BM, BN, BK, TA, TB><<<grid, kThreads, 0, stream()>>>(p.M, p.N, p.K, p.a, p.b, p.e, kps, partial);
  check_launch(name);
}

// Problems [first, first + count) of a batch as a batch of their own.
Problem sub_batch(const Problem& p, int64_t first, int64_t count) {
  Problem q = p;
  q.batch = count;
  q.a.p += first * p.a.batch_stride;
  if (q.a.mask) q.a.mask += first * p.a.batch_stride;
  q.b.p += first * p.b.batch_stride;
  if (q.b.mask) q.b.mask += first * p.b.batch_stride;
  q.e.C += first * p.e.c_stride;
  if (q.e.bias) q.e.bias += first * p.e.bias_stride;
  if (q.e.cmask) q.e.cmask += first * p.e.cmask_stride;
  return q;
}

template <int BM, int BN, int BK>
void run_config(const Problem& p, const char* name) {
  const int64_t tiles = ((p.M + BM - 1) / BM) * ((p.N + BN - 1) / BN);
  LTH_CHECK(tiles <= 2147483647LL, code::kShape, name, ": ", p.M, " x ", p.N, " is too large for the CUDA GEMM grid");
  int64_t slices = slice_count(tiles, p.M, p.N, p.K);
  int64_t kps = (p.K + slices - 1) / slices;
  kps = std::max<int64_t>((kps + BK - 1) / BK * BK, BK);  // a whole number of k-steps, never 0
  slices = std::max<int64_t>((p.K + kps - 1) / kps, 1);
  // A batch runs in groups: grid y holds at most 65535 problems, and split-K scratch stays at most 2^26 floats.
  const int64_t per_problem = slices > 1 ? slices * p.M * p.N : 0;
  const int64_t group =
      std::min<int64_t>(65535, per_problem ? std::max<int64_t>((int64_t{1} << 26) / per_problem, 1) : p.batch);
  for (int64_t first = 0; first < p.batch; first += group) {
    const Problem q = p.batch <= group ? p : sub_batch(p, first, std::min(group, p.batch - first));
    std::optional<Scratch> part;  // freed (stream-ordered) after the sum kernel is enqueued
    if (slices > 1) part.emplace(static_cast<size_t>(q.batch * per_problem) * sizeof(float));
    float* partial = part ? part->as<float>() : nullptr;
    if (!q.ta && !q.tb) launch_tiles<BM, BN, BK, false, false>(q, tiles, slices, kps, partial, name);
    else if (!q.ta && q.tb) launch_tiles<BM, BN, BK, false, true>(q, tiles, slices, kps, partial, name);
    else if (q.ta && !q.tb) launch_tiles<BM, BN, BK, true, false>(q, tiles, slices, kps, partial, name);
    else launch_tiles<BM, BN, BK, true, true>(q, tiles, slices, kps, partial, name);
    if (slices > 1) {
      const dim3 grid(grid_for(q.M * q.N, 256), static_cast<unsigned>(q.batch));
      gemm_splitk_sum_kernel<<<grid, 256, 0, stream()>>>(q.M, q.N, slices, partial, q.e);
      check_launch(name);
    }
  }
}

}  // namespace

void enqueue(const Problem& p_in, const char* name) {
  if (p_in.M <= 0 || p_in.N <= 0 || p_in.batch <= 0) return;
  Problem p = p_in;
  if (p.batch > 1) {  // a stride that is not a whole number of quads misaligns every other problem's quads
    p.a.vec = p.a.vec && p.a.batch_stride % 4 == 0;
    p.b.vec = p.b.vec && p.b.batch_stride % 4 == 0;
    p.e.vec = p.e.vec && p.e.c_stride % 4 == 0;
  }
  // Large problems (enough 128×128 tiles to fill the GPU) take the 128×128 tile, the rest 64×64: a choice made
  // per problem (as are the split-K slices), so a problem in a batch is computed exactly as it is alone.
  const int64_t big_tiles = ((p.M + 127) / 128) * ((p.N + 127) / 128);
  if (big_tiles >= 128) run_config<128, 128, 8>(p, name);
  else run_config<64, 64, 16>(p, name);
}

}  // namespace tiled

void gemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, const float* B, float beta,
          float* C) {
  if (M == 0 || N == 0) return;
  tiled::Problem p{};
  p.ta = ta == Trans::T;
  p.tb = tb == Trans::T;
  p.M = M;
  p.N = N;
  p.K = K;
  p.a = tiled::operand(A, nullptr, p.ta ? M : K);
  p.b = tiled::operand(B, nullptr, p.tb ? K : N);
  p.e = tiled::epilogue(alpha, beta, C, N);
  tiled::enqueue(p, "gemm");
  finish("gemm");
}

}  // namespace lth::cuda
