// Padded transposes (transpose_padded.h). One block routine per path: load up to B rows of a block (missing rows
// and columns read as 0), transpose in registers, store the wanted rows and lanes.
// GCC 12's own AVX-512 headers trip -W(maybe-)uninitialized (GCC bug 105593); not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "transpose_padded.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>

#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace {

// A block: rows i < nr of src (lds apart; columns j < nc, the rest 0) transposed; output rows j < out_rows (ldd
// apart) get lanes i < out_lanes.
struct Block {
  const float* src;
  int64_t lds;
  int nr, nc;
  float* dst;
  int64_t ldd;
  int out_rows, out_lanes;
};

#if defined(__x86_64__)
__attribute__((target("avx512f"))) void block_avx512(const Block& k) {
  const __mmask16 in = static_cast<__mmask16>((1u << k.nc) - 1);
  __m512 r[16], t[16];
  for (int i = 0; i < 16; ++i) r[i] = i < k.nr ? _mm512_maskz_loadu_ps(in, k.src + i * k.lds) : _mm512_setzero_ps();
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int h = 0; h < 16; h += 8)
    for (int i = 0; i < 4; ++i) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xDD);
    }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
  }
  const __mmask16 out = static_cast<__mmask16>((1u << k.out_lanes) - 1);
  for (int j = 0; j < k.out_rows; ++j) _mm512_mask_storeu_ps(k.dst + j * k.ldd, out, r[j]);
}

__attribute__((target("avx2,fma"))) void block_avx2(const Block& k) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i in = _mm256_cmpgt_epi32(_mm256_set1_epi32(k.nc), lane);
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = i < k.nr ? _mm256_maskload_ps(k.src + i * k.lds, in) : _mm256_setzero_ps();
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
    t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
  }
  const __m256i out = _mm256_cmpgt_epi32(_mm256_set1_epi32(k.out_lanes), lane);
  for (int j = 0; j < k.out_rows; ++j) _mm256_maskstore_ps(k.dst + j * k.ldd, out, t[j]);
}
#endif

void block_generic(const Block& k) {
  for (int j = 0; j < k.out_rows; ++j)
    for (int i = 0; i < k.out_lanes; ++i) k.dst[j * k.ldd + i] = i < k.nr && j < k.nc ? k.src[i * k.lds + j] : 0.0f;
}

using BlockFn = void (*)(const Block&);

struct BlockKernel {
  BlockFn fn;
  int side;
};

// The block routine and its side for the SIMD path in use.
BlockKernel block_kernel() {
#if defined(__x86_64__)
  const SimdPath path = simd_path();
  if (path == SimdPath::kAvx512) return {block_avx512, 16};
  if (path == SimdPath::kAvx2) return {block_avx2, 8};
#endif
  return {block_generic, 16};
}

int clamp(int64_t v, int s) { return static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(s, v))); }

// Over the blocks of a (major × minor) grid of S×S blocks, split by major blocks: f(major block, minor block).
template <typename F>
void for_blocks(int64_t major, int64_t minor, int S, F&& f) {
  const int64_t mb = (major + S - 1) / S, nb = (minor + S - 1) / S;
  parallel_for(mb, std::max<int64_t>(1, 8192 / std::max<int64_t>(minor * S, 1)), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      for (int64_t n = 0; n < nb; ++n) f(b * S, n * S);
  });
}

}  // namespace

void transpose_to_padded(int64_t rows, int64_t cols, const float* src, float* dst, int64_t ld) {
  const BlockKernel k = block_kernel();
  const BlockFn fn = k.fn;
  const int S = k.side;
  // Major: the output rows (src columns c0); minor: the output lanes (src rows r0, over the whole padded ld).
  for_blocks(cols, ld, S, [&](int64_t c0, int64_t r0) {
    fn(Block{src + r0 * cols + c0, cols, clamp(rows - r0, S), clamp(cols - c0, S), dst + c0 * ld + r0, ld,
             clamp(cols - c0, S), S});
  });
}

void transpose_from_padded(int64_t rows, int64_t cols, const float* src, int64_t ld, float* dst) {
  const BlockKernel k = block_kernel();
  const BlockFn fn = k.fn;
  const int S = k.side;
  // Major: the output rows (src lanes r0); minor: the output columns (src rows c0).
  for_blocks(rows, cols, S, [&](int64_t r0, int64_t c0) {
    fn(Block{src + c0 * ld + r0, ld, clamp(cols - c0, S), S, dst + r0 * cols + c0, cols, clamp(rows - r0, S),
             clamp(cols - c0, S)});
  });
}

}  // namespace lth::cpu
