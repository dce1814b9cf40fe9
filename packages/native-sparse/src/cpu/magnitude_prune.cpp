// Magnitude pruning on the CPU: over all targets together, prune exactly `count` alive weights, smallest |w|
// first; among equal |w| the lower target index, then the lower flat index, is pruned first. Output masks
// hold 0 (pruned) or 1 (alive); mask_out may alias mask_in of the same target.
//
// ref::magnitude_prune is the definition: sort the alive (|w|, target, index) triples and prune the first
// `count`.
//
// Fast kernel: exact radix selection on key = bits(|w|) as uint32, which orders non-negative floats like
// their values (+0 and -0 share key 0; +inf is 0x7f800000; NaN keys are larger and rejected).
//   pass 1  per-chunk histograms of key >> 15 (65536 bins) over alive weights; NaN check; alive count.
//           The bin b1 holding the count-th smallest key is found on the merged histogram.
//   pass 2  per-chunk histograms of key & 0x7fff over alive weights in bin b1. This pins the exact threshold
//           key T = b1 << 15 | b2, the number `below` of alive keys < T, and per chunk the number of alive
//           keys == T. need = count − below of those are pruned: the first ones in (target, index) order,
//           so chunk c prunes up to need − (keys == T in chunks before c), a prefix over per-chunk counts.
//   pass 3  writes the masks: key < T pruned; key == T pruned up to the chunk's quota. Each piece first
//           finds the cut just after its quota-th tie (counting ties 512 at a time), then writes
//           [0, cut) as "prune key <= T" and [cut, n) as "prune key < T", both vectorised.
// Chunks are contiguous ranges of the global (target, index) order, so the result is exact and the same for
// any chunk or thread count. Passes 1 and 2 have explicit AVX-512 paths (16 keys per step: pass 1 compresses
// the bins of alive weights and counts only them; pass 2 counts only the few hits of bin b1); the portable
// paths send dead weights to 16 spare bins so their increments do not form one dependency chain.
// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized (GCC bug 105593); not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace {
inline uint32_t abs_key(float w) {
  uint32_t u;
  std::memcpy(&u, &w, sizeof u);
  return u & 0x7fffffffu;
}
constexpr uint32_t kInfKey = 0x7f800000u;

void check_count(int64_t count, int64_t alive) {
  LTH_CHECK(count >= 0 && count <= alive, code::kArg, "magnitude_prune: count ", count, " must be in [0, ", alive,
            "] (the number of alive weights)");
}
}  // namespace

namespace ref {
void magnitude_prune(const std::vector<PruneTarget>& targets, int64_t count) {
  struct Entry {
    float mag;
    size_t t;
    int64_t i;
  };
  std::vector<Entry> alive;
  for (size_t t = 0; t < targets.size(); ++t) {
    const PruneTarget& g = targets[t];
    for (int64_t i = 0; i < g.n; ++i) {
      if (g.mask_in && !g.mask_in[i]) continue;
      LTH_CHECK(!std::isnan(g.w[i]), code::kNaN, "magnitude_prune: alive weight ", i, " of target ", t, " is NaN");
      alive.push_back({std::fabs(g.w[i]), t, i});
    }
  }
  check_count(count, static_cast<int64_t>(alive.size()));
  for (const PruneTarget& g : targets)
    for (int64_t i = 0; i < g.n; ++i) g.mask_out[i] = (!g.mask_in || g.mask_in[i]) ? 1 : 0;
  std::sort(alive.begin(), alive.end(),
            [](const Entry& a, const Entry& b) { return std::tie(a.mag, a.t, a.i) < std::tie(b.mag, b.t, b.i); });
  for (int64_t k = 0; k < count; ++k) targets[alive[k].t].mask_out[alive[k].i] = 0;
}
}  // namespace ref

namespace {

constexpr int kBins1 = 1 << 16, kBins2 = 1 << 15, kSpare = 16;  // pass 2 needs no spare bins
constexpr int64_t kBlock = 1024;
constexpr int64_t kChunkGrain = 1 << 14;

// The global (target, index) order split into contiguous chunks; visit(t, begin, end) for the pieces of
// chunk [gb, ge).
struct Layout {
  const std::vector<PruneTarget>& targets;
  std::vector<int64_t> offset;  // offset[t] = Σ n of targets before t
  int64_t total = 0;
  explicit Layout(const std::vector<PruneTarget>& ts) : targets(ts), offset(ts.size() + 1, 0) {
    for (size_t t = 0; t < ts.size(); ++t) offset[t + 1] = offset[t] + ts[t].n;
    total = offset.back();
  }
  template <typename F>
  void visit(int64_t gb, int64_t ge, F&& f) const {
    size_t t = static_cast<size_t>(std::upper_bound(offset.begin(), offset.end(), gb) - offset.begin()) - 1;
    for (; t < targets.size() && offset[t] < ge; ++t) {
      int64_t b = std::max(gb, offset[t]) - offset[t], e = std::min(ge, offset[t + 1]) - offset[t];
      if (b < e) f(targets[t], b, e);
    }
  }
};

// Pass 1 on one piece: histogram of key >> 15 (alive) or a spare bin (dead); returns whether a NaN was seen.
// Bins are computed a block at a time (vectorised), then counted.
LTH_CLONES("avx2", "default") bool hist_high_portable(const float* w, const uint8_t* m, int64_t n, uint32_t* hist) {
  uint32_t bins[kBlock];
  uint32_t nan = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t len = std::min(kBlock, n - b);
    for (int64_t j = 0; j < len; ++j) {
      uint32_t key = abs_key(w[b + j]);
      uint32_t alive = m ? (m[b + j] != 0) : 1u;
      nan |= alive & (key > kInfKey);
      bins[j] = alive ? key >> 15 : kBins1 + static_cast<uint32_t>(j & (kSpare - 1));
    }
    for (int64_t j = 0; j < len; ++j) ++hist[bins[j]];
  }
  return nan != 0;
}

#if defined(__x86_64__)
// AVX-512: 16 keys per step; the bins of alive weights are compressed into a buffer and only they counted.
__attribute__((target("avx512f"))) bool hist_high_avx512(const float* w, const uint8_t* m, int64_t n, uint32_t* hist) {
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff), inf = _mm512_set1_epi32(static_cast<int>(kInfKey));
  alignas(64) uint32_t bins[kBlock + 16];
  __mmask16 nan = 0;
  int64_t j = 0;
  while (j + 16 <= n) {
    int64_t k = 0;
    for (; j + 16 <= n && k <= kBlock - 16; j += 16) {
      const __m512i key = _mm512_and_si512(_mm512_loadu_si512(w + j), abs_mask);
      __mmask16 alive = 0xFFFF;
      if (m) {
        const __m512i mm = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(m + j)));
        alive = _mm512_test_epi32_mask(mm, mm);
      }
      nan |= _mm512_mask_cmpgt_epu32_mask(alive, key, inf);
      _mm512_storeu_si512(bins + k, _mm512_maskz_compress_epi32(alive, _mm512_srli_epi32(key, 15)));
      k += __builtin_popcount(alive);
    }
    for (int64_t q = 0; q < k; ++q) ++hist[bins[q]];
  }
  return hist_high_portable(w + j, m ? m + j : nullptr, n - j, hist) || nan != 0;
}
#endif

bool hist_high(const float* w, const uint8_t* m, int64_t n, uint32_t* hist) {
#if defined(__x86_64__)
  if (has_avx512()) return hist_high_avx512(w, m, n, hist);
#endif
  return hist_high_portable(w, m, n, hist);
}

// Pass 2 on one piece: histogram of key & 0x7fff over alive weights whose key >> 15 == b1. Few weights hit
// (one bin of 65536), so the hits are found 16 at a time with vector compares and only they are counted.
void hist_low_portable(const float* w, const uint8_t* m, int64_t n, uint32_t b1, uint32_t* hist) {
  for (int64_t j = 0; j < n; ++j) {
    uint32_t key = abs_key(w[j]);
    if ((key >> 15) == b1 && (!m || m[j])) ++hist[key & 0x7fffu];
  }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) void hist_low_avx512(const float* w, const uint8_t* m, int64_t n, uint32_t b1,
                                                        uint32_t* hist) {
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff), bin = _mm512_set1_epi32(static_cast<int>(b1));
  alignas(64) uint32_t keys[16];
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512i key = _mm512_and_si512(_mm512_loadu_si512(w + j), abs_mask);
    __mmask16 hit = _mm512_cmpeq_epi32_mask(_mm512_srli_epi32(key, 15), bin);
    if (m && hit) {
      const __m512i mm = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(m + j)));
      hit &= _mm512_test_epi32_mask(mm, mm);
    }
    if (hit) {
      _mm512_store_si512(keys, key);
      for (unsigned bits = hit; bits; bits &= bits - 1) ++hist[keys[__builtin_ctz(bits)] & 0x7fffu];
    }
  }
  hist_low_portable(w + j, m ? m + j : nullptr, n - j, b1, hist);
}
#endif

void hist_low(const float* w, const uint8_t* m, int64_t n, uint32_t b1, uint32_t* hist) {
#if defined(__x86_64__)
  if (has_avx512()) return hist_low_avx512(w, m, n, b1, hist);
#endif
  hist_low_portable(w, m, n, b1, hist);
}

// Pass 3 on a range where ties are all pruned (prune_ties) or all kept: out = alive && key > T, or
// alive && key >= T.
LTH_CLONES("avx512f", "avx2", "default")
void write_range(const float* w, const uint8_t* m, int64_t n, uint32_t T, bool prune_ties, uint8_t* out) {
  const uint32_t lo = prune_ties ? T + 1 : T;  // keep key >= lo (T < 2^31, no overflow)
  // out may be m itself (in-place update): each index is read before it is written, so vectorising is safe.
#pragma GCC ivdep
  for (int64_t j = 0; j < n; ++j) {
    uint8_t alive = m ? (m[j] != 0) : 1;
    out[j] = static_cast<uint8_t>(alive & (abs_key(w[j]) >= lo));
  }
}

// Alive keys == T in a range.
LTH_CLONES("avx512f", "avx2", "default") int64_t count_ties(const float* w, const uint8_t* m, int64_t n, uint32_t T) {
  int64_t k = 0;
  for (int64_t j = 0; j < n; ++j) k += (m ? (m[j] != 0) : 1) & (abs_key(w[j]) == T);
  return k;
}

// Pass 3 on one piece with `quota` alive keys == T still to prune (the first ones in index order); returns
// the quota left. Finds the cut after the quota-th tie block by block, then writes both sides vectorised.
int64_t write_masks(const float* w, const uint8_t* m, int64_t n, uint32_t T, int64_t quota, uint8_t* out) {
  int64_t cut = 0;  // ties before cut are pruned, from cut on kept
  if (quota > 0) {
    constexpr int64_t kScan = 512;
    cut = n;
    for (int64_t b = 0; b < n; b += kScan) {
      const int64_t len = std::min(kScan, n - b);
      const int64_t k = count_ties(w + b, m ? m + b : nullptr, len, T);
      if (k < quota) {
        quota -= k;
        continue;
      }
      int64_t j = b;
      for (; quota > 0; ++j) quota -= (!m || m[j]) && abs_key(w[j]) == T;
      cut = j;
      break;
    }
  }
  write_range(w, m, cut, T, true, out);
  write_range(w + cut, m ? m + cut : nullptr, n - cut, T, false, out + cut);
  return quota;
}

}  // namespace

void magnitude_prune(const std::vector<PruneTarget>& targets, int64_t count) {
  const Layout L(targets);
  const int64_t P = std::max<int64_t>(1, std::min<int64_t>(num_threads(), (L.total + kChunkGrain - 1) / kChunkGrain));
  auto chunk_begin = [&](int64_t c) { return L.total * c / P; };

  // Pass 1.
  std::vector<std::vector<uint32_t>> h1(static_cast<size_t>(P));
  std::vector<char> nan(static_cast<size_t>(P), 0);
  parallel_for(P, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      h1[c].assign(kBins1 + kSpare, 0);
      L.visit(chunk_begin(c), chunk_begin(c + 1), [&](const PruneTarget& g, int64_t b, int64_t e) {
        if (hist_high(g.w + b, g.mask_in ? g.mask_in + b : nullptr, e - b, h1[c].data())) nan[c] = 1;
      });
    }
  });
  for (int64_t c = 0; c < P; ++c) LTH_CHECK(!nan[c], code::kNaN, "magnitude_prune: an alive weight is NaN");
  std::vector<int64_t> hist(kBins1, 0);
  int64_t alive = 0;
  for (int64_t c = 0; c < P; ++c)
    for (int b = 0; b < kBins1; ++b) hist[b] += h1[c][b];
  for (int b = 0; b < kBins1; ++b) alive += hist[b];
  check_count(count, alive);

  uint32_t T = 0;    // threshold key
  int64_t need = 0;  // keys == T to prune
  std::vector<int64_t> quota(static_cast<size_t>(P), 0);
  if (count > 0) {
    int64_t below = 0;
    uint32_t b1 = 0;
    while (below + hist[b1] < count) below += hist[b1++];
    // Pass 2.
    std::vector<std::vector<uint32_t>> h2(static_cast<size_t>(P));
    parallel_for(P, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        h2[c].assign(kBins2, 0);
        L.visit(chunk_begin(c), chunk_begin(c + 1), [&](const PruneTarget& g, int64_t b, int64_t e) {
          hist_low(g.w + b, g.mask_in ? g.mask_in + b : nullptr, e - b, b1, h2[c].data());
        });
      }
    });
    uint32_t b2 = 0;
    for (;; ++b2) {
      int64_t in_bin = 0;
      for (int64_t c = 0; c < P; ++c) in_bin += h2[c][b2];
      if (below + in_bin >= count) break;
      below += in_bin;
    }
    T = b1 << 15 | b2;
    need = count - below;
    int64_t before = 0;  // keys == T in earlier chunks
    for (int64_t c = 0; c < P; ++c) {
      quota[c] = std::max<int64_t>(0, need - before);
      before += h2[c][b2];
    }
  }

  // Pass 3.
  parallel_for(P, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      int64_t q = quota[c];
      L.visit(chunk_begin(c), chunk_begin(c + 1), [&](const PruneTarget& g, int64_t b, int64_t e) {
        q = write_masks(g.w + b, g.mask_in ? g.mask_in + b : nullptr, e - b, T, q, g.mask_out + b);
      });
    }
  });
}

}  // namespace lth::cpu
