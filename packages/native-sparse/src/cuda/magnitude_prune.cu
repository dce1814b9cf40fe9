// Magnitude pruning on the GPU: over all targets together, prune exactly `count` alive weights, smallest |w|
// first; among equal |w| the lower target index, then the lower flat index, goes first. Masks come out as
// 0/1 and bit-identical to the CPU's (src/cpu/magnitude_prune.cpp).
//
// Layout: the global (target, index) order is cut into tiles of kTile weights, each inside one target
// (a target of n weights has ceil(n / kTile) tiles; tile ids ascend in (target, index) order). A block maps
// its tile to (target, range) by a binary search over the targets' first tile ids. The target table is a
// small array of structs in device memory.
//
// Algorithm: exact radix select on key = bits(|w|) = __float_as_uint(w) & 0x7fffffff, which orders
// non-negative floats like their values (+0 and -0 share key 0, +inf is 0x7f800000, NaN keys are larger).
//   pass 1  histogram of key >> 21 (11 bits) over all alive weights, plus a NaN flag: sum = alive count.
//   pass 2  histogram of (key >> 10) & 0x7ff over alive weights whose top 11 bits equal the chosen digit.
//   pass 3  histogram of key & 0x3ff over alive weights matching the first 22 bits.
// Each pass is one multi-block kernel (a 2048-bin shared-memory histogram per block, merged into global
// 64-bit bins with atomicAdd); the host reads the bins back and picks the digit holding the count-th smallest
// key. After pass 3 the threshold key T, the number `below` of alive keys < T (all pruned) and the number
// r = count − below of ties (key == T) to prune are known.
// Marking: keep = alive && (key > T, or key == T and the tie is not among the first r in (target, index)
// order). When r is all the ties (the usual case) no ranking is needed. Otherwise a kernel counts ties per
// tile, a CUB exclusive scan over tiles gives each tile its first tie's rank, and only the one tile where the
// cut falls ranks its ties with a block scan, 256 weights at a time. Every decision depends only on the data,
// so the result is exact and independent of the grid.
#include <cub/cub.cuh>

#include <algorithm>
#include <vector>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kTile = 8192;  // weights per tile (32 per thread)
constexpr int kBins = 2048;      // 11-bit digits
constexpr unsigned kMaxBlocks = 1024;
constexpr uint32_t kInfKey = 0x7f800000u;

struct DevTarget {
  const float* w;
  const uint8_t* mask_in;  // null = all alive
  uint8_t* mask_out;
  int64_t n;
  int64_t first_tile;  // entry [ntg] holds the total tile count (a sentinel)
};

struct TileRange {
  DevTarget g;
  int64_t begin, end;  // flat index range inside target g
};

// Tile → its target and index range. tg[0].first_tile = 0 <= tile < tg[ntg].first_tile = tile count, so the
// largest t with tg[t].first_tile <= tile exists and has tiles (an empty target shares its first tile id with
// the next target, so it is never the largest).
__device__ TileRange locate(const DevTarget* tg, int ntg, int64_t tile) {
  int lo = 0, hi = ntg;  // tg[lo].first_tile <= tile < tg[hi].first_tile
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (tg[mid].first_tile <= tile) lo = mid;
    else hi = mid;
  }
  TileRange r;
  r.g = tg[lo];
  r.begin = (tile - r.g.first_tile) * kTile;
  r.end = min(r.begin + kTile, r.g.n);
  return r;
}

__device__ __forceinline__ uint32_t abs_key(float w) { return __float_as_uint(w) & 0x7fffffffu; }

// Histogram of digit (key >> shift) & dmask over alive weights with (key & pmask) == pval. When nan_flag is
// given, sets *nan_flag = 1 if any alive key is a NaN.
__global__ void __launch_bounds__(kThreads)
    hist_kernel(const DevTarget* tg, int ntg, int64_t ntiles, uint32_t pmask, uint32_t pval, int shift, uint32_t dmask,
                unsigned long long* hist, unsigned long long* nan_flag) {
  __shared__ uint32_t sh[kBins];
  for (int b = threadIdx.x; b < kBins; b += blockDim.x) sh[b] = 0;
  __syncthreads();
  int nan = 0;
  for (int64_t tile = blockIdx.x; tile < ntiles; tile += gridDim.x) {
    const TileRange r = locate(tg, ntg, tile);
    const float* w = r.g.w;
    const uint8_t* m = r.g.mask_in;
    for (int64_t i = r.begin + threadIdx.x; i < r.end; i += blockDim.x) {
      if (m && !m[i]) continue;
      const uint32_t key = abs_key(w[i]);
      nan |= key > kInfKey;
      if ((key & pmask) == pval) atomicAdd(&sh[(key >> shift) & dmask], 1u);
    }
  }
  const int any_nan = __syncthreads_or(nan);  // also orders the shared-histogram updates before the flush
  for (int b = threadIdx.x; b < kBins; b += blockDim.x)
    if (sh[b]) atomicAdd(&hist[b], static_cast<unsigned long long>(sh[b]));
  if (nan_flag && any_nan && threadIdx.x == 0) atomicOr(nan_flag, 1ull);
}

// counts[tile] = alive weights with key == T in the tile.
__global__ void __launch_bounds__(kThreads)
    tie_count_kernel(const DevTarget* tg, int ntg, int64_t ntiles, uint32_t T, long long* counts) {
  using Reduce = cub::BlockReduce<int, kThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  for (int64_t tile = blockIdx.x; tile < ntiles; tile += gridDim.x) {  // block-uniform loop
    const TileRange r = locate(tg, ntg, tile);
    int local = 0;
    for (int64_t i = r.begin + threadIdx.x; i < r.end; i += blockDim.x)
      local += (!r.g.mask_in || r.g.mask_in[i]) && abs_key(r.g.w[i]) == T;
    const int total = Reduce(tmp).Sum(local);
    if (threadIdx.x == 0) counts[tile] = total;
    __syncthreads();  // tmp is reused by the next tile
  }
}

enum TieMode : int { kKeepTies = 0, kPruneTies = 1, kRankTies = 2 };

// mask_out = alive && !(key < T || (key == T && tie pruned)). In kRankTies mode tie_base[tile] (exclusive
// scan of the per-tile tie counts, [ntiles + 1]) gives the global rank of the tile's first tie, and the first
// r ties overall are pruned. Each weight is read before it is written by the same thread (mask_out may alias
// mask_in).
__global__ void __launch_bounds__(kThreads) mark_kernel(const DevTarget* tg, int ntg, int64_t ntiles, uint32_t T,
                                                        int mode, int64_t r, const long long* tie_base) {
  using Scan = cub::BlockScan<int, kThreads>;
  __shared__ typename Scan::TempStorage tmp;
  for (int64_t tile = blockIdx.x; tile < ntiles; tile += gridDim.x) {  // block-uniform loop
    const TileRange rg = locate(tg, ntg, tile);
    const float* w = rg.g.w;
    const uint8_t* m = rg.g.mask_in;
    uint8_t* out = rg.g.mask_out;
    int tile_mode = mode;
    int64_t base = 0;
    if (mode == kRankTies) {
      base = tie_base[tile];
      const int64_t ties = tie_base[tile + 1] - base;
      tile_mode = base + ties <= r ? kPruneTies : base >= r ? kKeepTies : kRankTies;
    }
    if (tile_mode != kRankTies) {
      const bool keep_ties = tile_mode == kKeepTies;
      for (int64_t i = rg.begin + threadIdx.x; i < rg.end; i += blockDim.x) {
        const bool alive = !m || m[i];
        const uint32_t key = abs_key(w[i]);
        out[i] = static_cast<uint8_t>(alive && (key > T || (key == T && keep_ties)));
      }
    } else {
      // The cut falls inside this tile: rank its ties in index order, kThreads weights per round.
      int64_t running = base;                                     // global rank of the round's first tie
      for (int64_t i0 = rg.begin; i0 < rg.end; i0 += kThreads) {  // block-uniform loop
        const int64_t i = i0 + threadIdx.x;
        const bool in = i < rg.end;
        const bool alive = in && (!m || m[i]);
        const uint32_t key = in ? abs_key(w[i]) : 0u;
        const int tie = alive && key == T;
        int rank = 0, round_ties = 0;
        Scan(tmp).ExclusiveSum(tie, rank, round_ties);
        if (in) out[i] = static_cast<uint8_t>(alive && (key > T || (key == T && running + rank >= r)));
        running += round_ties;
        __syncthreads();  // tmp is reused by the next round
      }
    }
  }
}

void check_count(int64_t count, int64_t alive) {
  LTH_CHECK(count >= 0 && count <= alive, code::kArg, "magnitude_prune: count ", count, " must be in [0, ", alive,
            "] (the number of alive weights)");
}

}  // namespace

void magnitude_prune(const std::vector<PruneTarget>& targets, int64_t count) {
  const int ntg = static_cast<int>(targets.size());
  std::vector<DevTarget> host(static_cast<size_t>(ntg) + 1);
  int64_t ntiles = 0;
  for (int t = 0; t < ntg; ++t) {
    const PruneTarget& g = targets[t];
    host[t] = {g.w, g.mask_in, g.mask_out, g.n, ntiles};
    ntiles += (g.n + kTile - 1) / kTile;
  }
  host[ntg] = {nullptr, nullptr, nullptr, 0, ntiles};
  if (ntiles == 0) {  // no weights at all
    check_count(count, 0);
    return;
  }

  Scratch table(host.size() * sizeof(DevTarget));
  const DevTarget* tg = table.as<DevTarget>();
  copy_to_device(table.as<DevTarget>(), host.data(), host.size() * sizeof(DevTarget));

  // Bins [kBins] then the NaN flag, read back together.
  constexpr size_t kHistBytes = (kBins + 1) * sizeof(unsigned long long);
  Scratch hist_buf(kHistBytes);
  unsigned long long* hist = hist_buf.as<unsigned long long>();
  unsigned long long* nan_flag = hist + kBins;
  std::vector<unsigned long long> h(kBins + 1);
  const unsigned hist_grid = static_cast<unsigned>(std::min<int64_t>(ntiles, kMaxBlocks));
  auto run_pass = [&](uint32_t pmask, uint32_t pval, int shift, uint32_t dmask, bool first) {
    check(cudaMemsetAsync(hist, 0, kHistBytes, stream()), "cudaMemsetAsync (prune histogram)");
    hist_kernel<<<hist_grid, kThreads, 0, stream()>>>(tg, ntg, ntiles, pmask, pval, shift, dmask, hist,
                                                      first ? nan_flag : nullptr);
    check_launch("magnitude_prune hist_kernel");
    copy_to_host(h.data(), hist, kHistBytes);  // waits
  };

  // Pass 1: all alive keys, NaN check, alive count.
  run_pass(0u, 0u, 21, 0x7ffu, true);
  LTH_CHECK(h[kBins] == 0, code::kNaN, "magnitude_prune: an alive weight is NaN");
  int64_t alive = 0;
  for (int b = 0; b < kBins; ++b) alive += static_cast<int64_t>(h[b]);
  check_count(count, alive);

  uint32_t T = 0;  // count == 0: nothing is < 0 and ties are kept, so mask_out = alive as 0/1
  int mode = kKeepTies;
  int64_t r = 0;
  if (count > 0) {
    struct Digit {
      int shift;
      uint32_t dmask;
    };
    constexpr Digit kDigits[3] = {{21, 0x7ffu}, {10, 0x7ffu}, {0, 0x3ffu}};
    uint32_t pmask = 0, pval = 0;
    int64_t below = 0;  // alive keys below the current prefix (all pruned)
    int64_t ties = 0;
    for (int p = 0; p < 3; ++p) {
      if (p > 0) run_pass(pmask, pval, kDigits[p].shift, kDigits[p].dmask, false);
      uint32_t d = 0;
      while (d <= kDigits[p].dmask && below + static_cast<int64_t>(h[d]) < count) below += static_cast<int64_t>(h[d++]);
      LTH_CHECK(d <= kDigits[p].dmask, code::kCuda,
                "magnitude_prune: radix selection lost the threshold (weights "
                "changed during the call?)");
      pval |= d << kDigits[p].shift;
      pmask |= kDigits[p].dmask << kDigits[p].shift;
      ties = static_cast<int64_t>(h[d]);
    }
    T = pval;
    r = count - below;  // 1 <= r <= ties
    mode = r == ties ? kPruneTies : kRankTies;
  }

  const unsigned grid = static_cast<unsigned>(std::min<int64_t>(ntiles, 65535));
  if (mode == kRankTies) {
    Scratch counts_buf(static_cast<size_t>(ntiles + 1) * sizeof(long long));
    Scratch base_buf(static_cast<size_t>(ntiles + 1) * sizeof(long long));
    long long* counts = counts_buf.as<long long>();
    long long* base = base_buf.as<long long>();
    check(cudaMemsetAsync(counts, 0, static_cast<size_t>(ntiles + 1) * sizeof(long long), stream()),
          "cudaMemsetAsync (prune tie counts)");
    tie_count_kernel<<<grid, kThreads, 0, stream()>>>(tg, ntg, ntiles, T, counts);
    check_launch("magnitude_prune tie_count_kernel");
    size_t temp_bytes = 0;
    check(cub::DeviceScan::ExclusiveSum(nullptr, temp_bytes, counts, base, static_cast<int>(ntiles + 1), stream()),
          "cub::DeviceScan::ExclusiveSum (size)");
    Scratch temp(temp_bytes);
    check(cub::DeviceScan::ExclusiveSum(temp.as<void>(), temp_bytes, counts, base, static_cast<int>(ntiles + 1),
                                        stream()),
          "cub::DeviceScan::ExclusiveSum");
    mark_kernel<<<grid, kThreads, 0, stream()>>>(tg, ntg, ntiles, T, mode, r, base);
    check_launch("magnitude_prune mark_kernel");
    finish("magnitude_prune");
    return;
  }
  mark_kernel<<<grid, kThreads, 0, stream()>>>(tg, ntg, ntiles, T, mode, r, nullptr);
  check_launch("magnitude_prune mark_kernel");
  finish("magnitude_prune");
}

}  // namespace lth::cuda
