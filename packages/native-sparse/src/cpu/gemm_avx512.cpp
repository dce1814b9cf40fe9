// AVX-512 pieces of the packed GEMM: a 12×32 micro-kernel (24 zmm accumulators, A broadcast straight
// from its row-major storage, two packed B vectors per k, FMA) with every smaller tile by template, and
// the B packer, which transposes with 16×16 in-register transposes and fuses the weight mask into its
// (masked) loads.
// Compiled for AVX-512 (F/BW/VL/DQ) here only; selected at run time, so the addon stays baseline x86-64.
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <array>
#include <utility>

#include "gemm_internal.h"

namespace lth::cpu::gemm_detail {

#if defined(__x86_64__)
namespace {

constexpr int kMr = 12, kNr = 32;
constexpr int64_t kPrefetch = 64;  // floats ahead when packing a transposed B

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized through _mm512_undefined_ps (GCC PR 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")

inline __mmask16 lane_mask(int64_t n) {
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (n > 0 ? n : 0)) - 1u);
}

// Lanes of `lanes` whose mask byte is nonzero.
inline __mmask16 alive(const uint8_t* m, __mmask16 lanes) {
  const __m128i v = _mm_maskz_loadu_epi8(lanes, m);
  return _mm_test_epi8_mask(v, v);
}

// In-register transpose: r[i][j] -> r[j][i] for a 16×16 float block.
inline void transpose16(__m512 r[16]) {
  __m512 t[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; i += 4) {
    const __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
    const __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
#pragma GCC unroll 16
  for (int h = 0; h < 16; h += 8)
#pragma GCC unroll 16
    for (int i = 0; i < 4; ++i) {
      t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
      t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
    }
#pragma GCC unroll 16
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// Load a 16×16 block: rows j < `rows` of p (row stride ld), lanes `km` of each, mask bytes m (same
// layout) applied when given; the other rows and lanes read as 0 (masked loads never touch them).
inline void load_block(const float* p, const uint8_t* m, int64_t ld, int rows, __mmask16 km, __m512 t[16]) {
  if (m) {
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) {
      const int64_t at = (j < rows ? j : 0) * ld;
      const __mmask16 lm = j < rows ? km : static_cast<__mmask16>(0);
      t[j] = _mm512_maskz_loadu_ps(alive(m + at, lm), p + at);
    }
  } else {
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) {
      const int64_t at = (j < rows ? j : 0) * ld;
      t[j] = _mm512_maskz_loadu_ps(j < rows ? km : static_cast<__mmask16>(0), p + at);
    }
  }
}

void pack_b(const MatView& b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, int nr_half, float* dst) {
  for (int64_t jp = 0; jp < nc; jp += nr) {
    const int64_t cols = nc - jp < nr ? nc - jp : nr;
    const int w = cols <= nr_half ? nr_half : nr;
    float* d = dst + jp * kc;
    if (!b.trans) {  // B stored [K, N]: each k is a contiguous run of columns
      for (int64_t k = 0; k < kc; ++k) {
        const int64_t at = (k0 + k) * b.ld + j0 + jp;
        for (int v = 0; v < w; v += 16) {
          const __mmask16 lm = lane_mask(cols - v);
          const __m512 x = _mm512_maskz_loadu_ps(b.mask ? alive(b.mask + at + v, lm) : lm, b.p + at + v);
          _mm512_store_ps(d + k * w + v, x);
        }
      }
    } else {  // B stored [N, K] (a weight matrix W [out, in]): transpose 16×16 blocks
      for (int v = 0; v < w; v += 16) {
        const int rows = static_cast<int>(cols - v < 16 ? (cols - v > 0 ? cols - v : 0) : 16);
        const int64_t at = (j0 + jp + v) * b.ld + k0;
        const float* src = b.p + at;
        const uint8_t* msk = b.mask ? b.mask + at : nullptr;
        int64_t kb = 0;
        for (; kb + 16 <= kc; kb += 16) {
          // 16 rows of W and of the mask are 32 streams, more than the hardware prefetchers follow.
          if (kb + kPrefetch < kc) {
#pragma GCC unroll 16
            for (int j = 0; j < 16; ++j) {
              if (j < rows) {
                _mm_prefetch(reinterpret_cast<const char*>(src + j * b.ld + kb + kPrefetch), _MM_HINT_T0);
                if (msk && (kb & 63) == 0)
                  _mm_prefetch(reinterpret_cast<const char*>(msk + j * b.ld + kb + kPrefetch), _MM_HINT_T0);
              }
            }
          }
          __m512 t[16];
          load_block(src + kb, msk ? msk + kb : nullptr, b.ld, rows, 0xFFFF, t);
          transpose16(t);
#pragma GCC unroll 16
          for (int q = 0; q < 16; ++q) _mm512_store_ps(d + (kb + q) * w + v, t[q]);
        }
        if (kb < kc) {
          const int kt = static_cast<int>(kc - kb);
          __m512 t[16];
          load_block(src + kb, msk ? msk + kb : nullptr, b.ld, rows, lane_mask(kt), t);
          transpose16(t);
          for (int q = 0; q < kt; ++q) _mm512_store_ps(d + (kb + q) * w + v, t[q]);
        }
      }
    }
  }
}

template <int R, int NV, bool KContig>
void tile_t(int cols, int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* c,
            int64_t ldc, const Epilogue& e) {
  __m512 acc[R][NV];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + k * (NV * 16) + v * 16);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512 ar = _mm512_set1_ps(KContig ? a[r * lda + k] : a[k * lda + r]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
  const Epilogue ep = e;  // a local copy: the stores to C below cannot alias it
  const __mmask16 lastmask = lane_mask(cols - (NV - 1) * 16);
  const __m512 alpha = _mm512_set1_ps(ep.alpha), beta = _mm512_set1_ps(ep.beta), zero = _mm512_setzero_ps();
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const __mmask16 m = v == NV - 1 ? lastmask : static_cast<__mmask16>(0xFFFF);
      float* cp = c + r * ldc + v * 16;
      __m512 x = _mm512_mul_ps(alpha, acc[r][v]);
      if (ep.beta != 0.0f) x = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m, cp), x);
      if (ep.bias) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, ep.bias + v * 16));
      if (ep.relu) x = _mm512_max_ps(zero, x);  // max(0, NaN) = NaN, like std::max(v, 0)
      if (ep.cmask) x = _mm512_maskz_mov_ps(alive(ep.cmask + r * ep.ldm + v * 16, m), x);
      _mm512_mask_storeu_ps(cp, m, x);
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
  table[(a_kcontig ? 2 : 0) + bw / 16 - 1][rows - 1](cols, kc, a, lda, b, c, ldc, e);
}

#pragma GCC pop_options

}  // namespace

const Isa* isa_avx512() {
  static const Isa isa{"avx512", kMr, kNr, kNr / 2, &pack_b, &tile};
  return &isa;
}
#else
const Isa* isa_avx512() { return nullptr; }
#endif

}  // namespace lth::cpu::gemm_detail
