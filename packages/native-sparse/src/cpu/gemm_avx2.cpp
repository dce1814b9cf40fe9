// AVX2 + FMA micro-kernel of the packed GEMM: 6×16 tile (12 ymm accumulators), any smaller tile by
// template. Packing uses the portable B packer. Compiled for AVX2 here only; selected at run time.
#include <immintrin.h>

#include <array>
#include <utility>

#include "gemm_internal.h"

namespace lth::cpu::gemm_detail {

namespace {

constexpr int kMr = 6, kNr = 16;

#pragma GCC push_options
#pragma GCC target("avx2,fma")

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

void tile(int rows, int cols, int bw, int64_t kc, const float* a, int64_t lda, bool a_kcontig, const float* b,
          float* c, int64_t ldc, const Epilogue& e) {
  using Seq = std::make_integer_sequence<int, kMr>;
  static constexpr std::array<std::array<TileFn, kMr>, 4> table{make_row<1, false>(Seq{}), make_row<2, false>(Seq{}),
                                                               make_row<1, true>(Seq{}), make_row<2, true>(Seq{})};
  table[(a_kcontig ? 2 : 0) + bw / 8 - 1][rows - 1](cols, kc, a, lda, b, c, ldc, e);
}

#pragma GCC pop_options

}  // namespace

const Isa* isa_avx2() {
  static const Isa isa{"avx2", kMr, kNr, kNr / 2, &pack_b_scalar, &tile};
  __builtin_cpu_init();
  return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? &isa : nullptr;
}

}  // namespace lth::cpu::gemm_detail
