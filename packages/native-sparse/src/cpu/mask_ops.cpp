// Mask utilities on the CPU: count_nonzero and the seeded shuffle used by the random-rearrangement control.
//
// shuffle_mask is Fisher–Yates driven by rng.h, in exactly this order (the definition on every device):
//   out = in;  for i = n-1 down to 1:  j = rng::below(seed, i, i + 1);  swap(out[i], out[j])
// i.e. draw i of stream `seed` picks the partner of position i among [0, i]. The fast kernel computes the
// draws of a block of positions in parallel (they are pure functions of (seed, i)) and swaps serially, so
// it gives the same permutation as the reference for every thread count.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "../rng.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
int64_t count_nonzero(int64_t n, const uint8_t* mask) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) k += mask[i] != 0;
  return k;
}

void shuffle_mask(int64_t n, uint64_t seed, const uint8_t* in, uint8_t* out) {
  if (out != in) std::memmove(out, in, static_cast<size_t>(n));
  for (int64_t i = n - 1; i >= 1; --i) {
    int64_t j = static_cast<int64_t>(rng::below(seed, static_cast<uint64_t>(i), static_cast<uint64_t>(i) + 1));
    std::swap(out[i], out[j]);
  }
}
}  // namespace ref

namespace {
LTH_CLONES("avx512f", "avx2", "default") int64_t count_piece(const uint8_t* m, int64_t n) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) k += m[i] != 0;
  return k;
}
}  // namespace

int64_t count_nonzero(int64_t n, const uint8_t* mask) {
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(num_threads(), n >> 16));
  std::vector<int64_t> part(static_cast<size_t>(chunks), 0);
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
      part[c] = count_piece(mask + b, e - b);
    }
  });
  int64_t k = 0;
  for (int64_t v : part) k += v;
  return k;
}

void shuffle_mask(int64_t n, uint64_t seed, const uint8_t* in, uint8_t* out) {
  if (out != in) std::memmove(out, in, static_cast<size_t>(n));
  constexpr int64_t kBlock = 1 << 16;
  std::vector<uint64_t> js(static_cast<size_t>(std::min<int64_t>(n, kBlock)));
  // Positions i in (lo, hi], descending, block by block.
  for (int64_t hi = n - 1; hi >= 1; hi -= kBlock) {
    const int64_t lo = std::max<int64_t>(0, hi - kBlock);
    parallel_for(hi - lo, 1 << 12, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        const uint64_t i = static_cast<uint64_t>(hi - k);
        js[k] = rng::below(seed, i, i + 1);
      }
    });
    const int64_t len = hi - lo;
    for (int64_t k = 0; k < len; ++k) {
      if (k + 8 < len) __builtin_prefetch(out + js[k + 8], 1);
      std::swap(out[hi - k], out[js[k]]);
    }
  }
}

}  // namespace lth::cpu
