// SDDMM kernels (sddmm.h). Each CSR row o keeps its row of a in registers (up to 128 floats at a time) and takes
// its nonzeros in groups: per nonzero, the dot product with a row of b accumulates in one vector register
// (a multiply-add per vector of the row); the group's vectors are then reduced together (a transpose-and-add
// tree: one vector of sums for 16 nonzeros on AVX-512, an xmm of 4 on AVX2) and stored at the nonzeros. The sums
// of one entry run in a fixed order for any thread count.
// GCC 12's own AVX-512 headers trip -W(maybe-)uninitialized (GCC bug 105593), and the vector types' attributes
// are dropped (harmlessly) from the function-pointer tables' template arguments; not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wignored-attributes"
#include "sddmm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <utility>

#include "simd.h"

namespace lth::cpu {

namespace {

// ---- AVX-512 ---------------------------------------------------------------------------------------------
#if defined(__x86_64__)
#define LTH_AVX512 __attribute__((target("avx512f"), always_inline)) inline

// Sixteen vectors to one: lane L holds the sum of the lanes of v[kPerm512[L]] (the order the add tree leaves).
constexpr int32_t kPerm512[16] = {0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15};

LTH_AVX512 __m512 reduce16(const __m512* v) {
  __m512 s[8], t[4], u[2];
  for (int i = 0; i < 8; ++i)  // 256-bit halves: lanes 0-7 partial sums of v[i], 8-15 of v[i+8]
    s[i] = _mm512_add_ps(_mm512_shuffle_f32x4(v[i], v[i + 8], 0x44), _mm512_shuffle_f32x4(v[i], v[i + 8], 0xEE));
  for (int i = 0; i < 4; ++i)  // 128-bit blocks: v[i], v[i+8], v[i+4], v[i+12]
    t[i] = _mm512_add_ps(_mm512_shuffle_f32x4(s[i], s[i + 4], 0x88), _mm512_shuffle_f32x4(s[i], s[i + 4], 0xDD));
  for (int i = 0; i < 2; ++i)  // pairs within each block: t[i], t[i+2]
    u[i] = _mm512_add_ps(_mm512_shuffle_ps(t[i], t[i + 2], 0x44), _mm512_shuffle_ps(t[i], t[i + 2], 0xEE));
  return _mm512_add_ps(_mm512_shuffle_ps(u[0], u[1], 0x88), _mm512_shuffle_ps(u[0], u[1], 0xDD));
}

// Partial sums over NV vectors (16·NV floats) of a and of cnt (≤ 16) rows of b, in kPerm512 order.
template <int NV>
__attribute__((target("avx512f"))) __m512 group_avx512(const float* a, const float* b, int64_t ld, const int32_t* cols,
                                                       int cnt) {
  __m512 av[NV];
  for (int v = 0; v < NV; ++v) av[v] = _mm512_loadu_ps(a + 16 * v);
  __m512 acc[16];
  for (int j = 0; j < 16; ++j) {
    if (j < cnt) {
      const float* br = b + static_cast<int64_t>(cols[j]) * ld;
      acc[j] = _mm512_mul_ps(av[0], _mm512_loadu_ps(br));
      for (int v = 1; v < NV; ++v) acc[j] = _mm512_fmadd_ps(av[v], _mm512_loadu_ps(br + 16 * v), acc[j]);
    } else {
      acc[j] = _mm512_setzero_ps();
    }
  }
  return reduce16(acc);
}

using Group512 = __m512 (*)(const float*, const float*, int64_t, const int32_t*, int);
template <int... I>
constexpr std::array<Group512, sizeof...(I)> group512_table(std::integer_sequence<int, I...>) {
  return {&group_avx512<I + 1>...};
}

__attribute__((target("avx512f"))) void sddmm_avx512(int64_t r0, int64_t r1, const int32_t* rowptr,
                                                     const int32_t* colidx, const float* a, const float* b, int64_t ld,
                                                     float* out, int64_t ld_out) {
  static constexpr auto kGroup = group512_table(std::make_integer_sequence<int, 8>{});
  const __m512i perm = _mm512_loadu_si512(kPerm512);
  for (int64_t o = r0; o < r1; ++o) {
    const float* ar = a + o * ld;
    float* orow = out + o * ld_out;
    for (int64_t p = rowptr[o]; p < rowptr[o + 1]; p += 16) {
      const int cnt = static_cast<int>(std::min<int64_t>(16, rowptr[o + 1] - p));
      __m512 sum = _mm512_setzero_ps();
      for (int64_t k0 = 0; k0 < ld; k0 += 128) {
        const int nv = static_cast<int>(std::min<int64_t>(8, (ld - k0) / 16));
        sum = _mm512_add_ps(sum, kGroup[nv - 1](ar + k0, b + k0, ld, colidx + p, cnt));
      }
      const __mmask16 live = _mm512_cmplt_epi32_mask(perm, _mm512_set1_epi32(cnt));
      const __m512i idx =
          _mm512_permutexvar_epi32(perm, _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << cnt) - 1), colidx + p));
      _mm512_mask_i32scatter_ps(orow, live, idx, sum, 4);
    }
  }
}

// ---- AVX2 + FMA ----------------------------------------------------------------------------------------------
// Four nonzeros at a time: their sums over NV vectors (8·NV floats), lanes in order.
template <int NV>
__attribute__((target("avx2,fma"))) __m128 group_avx2(const float* a, const float* b, int64_t ld, const int32_t* cols,
                                                      int cnt) {
  __m256 av[NV];
  for (int v = 0; v < NV; ++v) av[v] = _mm256_loadu_ps(a + 8 * v);
  __m256 acc[4];
  for (int j = 0; j < 4; ++j) {
    if (j < cnt) {
      const float* br = b + static_cast<int64_t>(cols[j]) * ld;
      acc[j] = _mm256_mul_ps(av[0], _mm256_loadu_ps(br));
      for (int v = 1; v < NV; ++v) acc[j] = _mm256_fmadd_ps(av[v], _mm256_loadu_ps(br + 8 * v), acc[j]);
    } else {
      acc[j] = _mm256_setzero_ps();
    }
  }
  const __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(acc[0], acc[1]), _mm256_hadd_ps(acc[2], acc[3]));
  return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

using Group256 = __m128 (*)(const float*, const float*, int64_t, const int32_t*, int);
template <int... I>
constexpr std::array<Group256, sizeof...(I)> group256_table(std::integer_sequence<int, I...>) {
  return {&group_avx2<I + 1>...};
}

__attribute__((target("avx2,fma"))) void sddmm_avx2(int64_t r0, int64_t r1, const int32_t* rowptr,
                                                    const int32_t* colidx, const float* a, const float* b, int64_t ld,
                                                    float* out, int64_t ld_out) {
  static constexpr auto kGroup = group256_table(std::make_integer_sequence<int, 8>{});
  for (int64_t o = r0; o < r1; ++o) {
    const float* ar = a + o * ld;
    float* orow = out + o * ld_out;
    for (int64_t p = rowptr[o]; p < rowptr[o + 1]; p += 4) {
      const int cnt = static_cast<int>(std::min<int64_t>(4, rowptr[o + 1] - p));
      __m128 sum = _mm_setzero_ps();
      for (int64_t k0 = 0; k0 < ld; k0 += 64) {
        const int nv = static_cast<int>(std::min<int64_t>(8, (ld - k0) / 8));
        sum = _mm_add_ps(sum, kGroup[nv - 1](ar + k0, b + k0, ld, colidx + p, cnt));
      }
      alignas(16) float r[4];
      _mm_store_ps(r, sum);
      for (int j = 0; j < cnt; ++j) orow[colidx[p + j]] = r[j];
    }
  }
}
#endif

// ---- generic (baseline ISA, compiler-vectorised) ------------------------------------------------------------
void sddmm_generic(int64_t r0, int64_t r1, const int32_t* rowptr, const int32_t* colidx, const float* a, const float* b,
                   int64_t ld, float* out, int64_t ld_out) {
  for (int64_t o = r0; o < r1; ++o) {
    const float* ar = a + o * ld;
    for (int64_t p = rowptr[o]; p < rowptr[o + 1]; ++p) {
      const float* br = b + static_cast<int64_t>(colidx[p]) * ld;
      float lane[16] = {};
      for (int64_t k = 0; k < ld; k += 16)
        for (int l = 0; l < 16; ++l) lane[l] += ar[k + l] * br[k + l];
      float s = 0.0f;
      for (int l = 0; l < 16; ++l) s += lane[l];
      out[o * ld_out + colidx[p]] = s;
    }
  }
}

}  // namespace

void sddmm_rows(int64_t r0, int64_t r1, const int32_t* rowptr, const int32_t* colidx, const float* a, const float* b,
                int64_t ld, float* out, int64_t ld_out) {
  if (ld <= 0) return;
#if defined(__x86_64__)
  const SimdPath path = simd_path();
  if (path == SimdPath::kAvx512) return sddmm_avx512(r0, r1, rowptr, colidx, a, b, ld, out, ld_out);
  if (path == SimdPath::kAvx2) return sddmm_avx2(r0, r1, rowptr, colidx, a, b, ld, out, ld_out);
#endif
  sddmm_generic(r0, r1, rowptr, colidx, a, b, ld, out, ld_out);
}

}  // namespace lth::cpu
