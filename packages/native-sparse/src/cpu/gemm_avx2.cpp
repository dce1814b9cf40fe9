// AVX2 + FMA pieces of the packed GEMM, sized for 16 ymm registers: a 6×16 micro-kernel (12 accumulators,
// 2 B vectors, 1 broadcast of A; A read straight from its row-major storage like the AVX-512 kernel) with
// every smaller tile by template, and the B packer, which transposes W with 8×8 in-register transposes and
// fuses the weight mask into the loads (the packing of W is a large share of a LeNet-sized layer's time).
// Compiled for AVX2/FMA here only (x86-64); selected at run time, so the addon stays baseline x86-64.
//
// Plain definition of what this computes: gemm_internal.h (Isa::pack_b, Isa::tile) and ref::gemm (gemm.cpp).
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <array>
#include <utility>

#include "gemm_internal.h"

namespace lth::cpu::gemm_detail {

#if defined(__x86_64__)
namespace {

constexpr int kMr = 6, kNr = 16;
constexpr int64_t kPrefetch = 64;  // floats ahead when packing a transposed B

#pragma GCC push_options
#pragma GCC target("avx2,fma")

// x where the mask byte m[i] is nonzero, else +0.0f, for 8 lanes (reads exactly 8 mask bytes).
inline __m256 keep8(__m256 x, const uint8_t* m) {
  const __m256i m32 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(m)));
  const __m256 pruned = _mm256_castsi256_ps(_mm256_cmpeq_epi32(m32, _mm256_setzero_si256()));
  return _mm256_andnot_ps(pruned, x);
}

// In-register transpose of an 8×8 float block: r[i][j] -> r[j][i].
inline void transpose8(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    s[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
    s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(s[i], s[i + 4], 0x31);
  }
}

// Pack op(B) depth [k0, k0+kc) × columns [j0, j0+nc) into panels of nr (or nr_half) columns, mask applied.
// Full 8-wide groups go through vector loads (and 8×8 transposes for B stored [N,K]); ragged edges fall
// back to the portable packer's element loop for that panel.
void pack_b(const MatView& b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, int nr_half, float* dst) {
  for (int64_t jp = 0; jp < nc; jp += nr) {
    const int64_t cols = nc - jp < nr ? nc - jp : nr;
    const int w = cols <= nr_half ? nr_half : nr;
    float* d = dst + jp * kc;
    if (cols % 8 != 0) {  // ragged last panel: element by element (zero padded)
      pack_b_scalar(b, k0, kc, j0 + jp, cols, w, 0, d);
      continue;
    }
    if (!b.trans) {  // B stored [K, N]: each k is a contiguous run of columns
      for (int64_t k = 0; k < kc; ++k) {
        const int64_t at = (k0 + k) * b.ld + j0 + jp;
        for (int v = 0; v < cols; v += 8) {
          __m256 x = _mm256_loadu_ps(b.p + at + v);
          if (b.mask) x = keep8(x, b.mask + at + v);
          _mm256_store_ps(d + k * w + v, x);
        }
      }
      continue;
    }
    // B stored [N, K] (a weight matrix W [out, in]): 8 rows of W × 8 k at a time, transposed.
    for (int v = 0; v < cols; v += 8) {
      const int64_t at = (j0 + jp + v) * b.ld + k0;
      const float* src = b.p + at;
      const uint8_t* msk = b.mask ? b.mask + at : nullptr;
      int64_t kb = 0;
      for (; kb + 8 <= kc; kb += 8) {
        if (kb + kPrefetch < kc && (kb & 15) == 0) {
          for (int j = 0; j < 8; ++j) {
            _mm_prefetch(reinterpret_cast<const char*>(src + j * b.ld + kb + kPrefetch), _MM_HINT_T0);
            if (msk && (kb & 63) == 0)
              _mm_prefetch(reinterpret_cast<const char*>(msk + j * b.ld + kb + kPrefetch), _MM_HINT_T0);
          }
        }
        __m256 t[8];
        for (int j = 0; j < 8; ++j) {
          t[j] = _mm256_loadu_ps(src + j * b.ld + kb);
          if (msk) t[j] = keep8(t[j], msk + j * b.ld + kb);
        }
        transpose8(t);
        for (int q = 0; q < 8; ++q) _mm256_store_ps(d + (kb + q) * w + v, t[q]);
      }
      for (; kb < kc; ++kb)  // depth tail
        for (int j = 0; j < 8; ++j) {
          const int64_t e = j * b.ld + kb;
          d[kb * w + v + j] = (!msk || msk[e]) ? src[e] : 0.0f;
        }
    }
    for (int64_t k = 0; k < kc; ++k)
      for (int j = static_cast<int>(cols); j < w; ++j) d[k * w + j] = 0.0f;
  }
}

template <int R, int NV, bool KContig>
void tile_t(int cols, int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* c,
            int64_t ldc, const Epilogue& e) {
  __m256 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_ps();
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    __m256 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_load_ps(b + k * (NV * 8) + v * 8);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m256 ar = _mm256_broadcast_ss(KContig ? a + r * lda + k : a + k * lda + r);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
  if (cols != NV * 8) {  // column edge: through a small buffer and the scalar epilogue
    alignas(32) float tmp[R][NV * 8];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) _mm256_store_ps(&tmp[r][v * 8], acc[r][v]);
    store_tile_scalar(&tmp[0][0], NV * 8, R, cols, c, ldc, e);
    return;
  }
  const Epilogue ep = e;  // a local copy: the stores to C below cannot alias it
  const __m256 alpha = _mm256_set1_ps(ep.alpha), beta = _mm256_set1_ps(ep.beta), zero = _mm256_setzero_ps();
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + v * 8;
      __m256 x = _mm256_mul_ps(alpha, acc[r][v]);
      if (ep.beta != 0.0f) x = _mm256_fmadd_ps(beta, _mm256_loadu_ps(cp), x);
      if (ep.bias) x = _mm256_add_ps(x, _mm256_loadu_ps(ep.bias + v * 8));
      if (ep.relu) x = _mm256_max_ps(zero, x);  // max(0, NaN) = NaN, like std::max(v, 0)
      if (ep.cmask) {
        __m128i mb = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(ep.cmask + r * ep.ldm + v * 8));
        __m256i m32 = _mm256_cvtepu8_epi32(mb);
        __m256 pruned = _mm256_castsi256_ps(_mm256_cmpeq_epi32(m32, _mm256_setzero_si256()));
        x = _mm256_andnot_ps(pruned, x);
      }
      _mm256_storeu_ps(cp, x);
    }
  }
}

using TileFn = void (*)(int, int64_t, const float*, int64_t, const float*, float*, int64_t, const Epilogue&);

template <int NV, bool KContig, int... I>
constexpr std::array<TileFn, sizeof...(I)> make_row(std::integer_sequence<int, I...>) {
  return {&tile_t<I + 1, NV, KContig>...};
}

void tile(int rows, int cols, int bw, int64_t kc, const float* a, int64_t lda, bool a_kcontig, const float* b, float* c,
          int64_t ldc, const Epilogue& e) {
  using Seq = std::make_integer_sequence<int, kMr>;
  static constexpr std::array<std::array<TileFn, kMr>, 4> table{make_row<1, false>(Seq{}), make_row<2, false>(Seq{}),
                                                                make_row<1, true>(Seq{}), make_row<2, true>(Seq{})};
  table[(a_kcontig ? 2 : 0) + bw / 8 - 1][rows - 1](cols, kc, a, lda, b, c, ldc, e);
}

#pragma GCC pop_options

}  // namespace

const Isa* isa_avx2() {
  static const Isa isa{"avx2", kMr, kNr, kNr / 2, &pack_b, &tile};
  return &isa;
}
#else
const Isa* isa_avx2() { return nullptr; }
#endif

}  // namespace lth::cpu::gemm_detail
