// Padded SpMM kernels (spmm_padded.h). Per compressed row: the output row in registers (up to 128 floats at a time
// on AVX-512, 64 on AVX2, 16-lane blocks on the generic path), two accumulator sets for the even and odd nonzeros
// so two FMA latency chains overlap; per nonzero one scalar load of W, a broadcast and one FMA per vector.
// GCC 12's own AVX-512 headers trip -W(maybe-)uninitialized (GCC bug 105593); not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "spmm_padded.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <utility>

#include "csr_check.h"
#include "simd.h"

namespace lth::cpu {

namespace {

struct Rows {
  int64_t minor;
  const int32_t* ptr;
  const int32_t* idx;
  const float* W;
  int64_t ld_major, ld_minor;
  const float* in;
  int64_t ld;
  const float* bias;
  bool relu;
  float* out;
  const char* op;
};

#if defined(__x86_64__)
// Row r, columns [k0, k0 + 16·NV).
template <int NV>
__attribute__((target("avx512f"))) void row_avx512(const Rows& a, int64_t r, int64_t k0) {
  __m512 acc[NV], acc2[NV];
  const float b0 = a.bias ? a.bias[r] : 0.0f;
  for (int v = 0; v < NV; ++v) acc[v] = _mm512_set1_ps(b0), acc2[v] = _mm512_setzero_ps();
  const float* wr = a.W + r * a.ld_major;
  const float* in = a.in + k0;
  int64_t p = a.ptr[r];
  const int64_t end = a.ptr[r + 1];
  for (; p + 2 <= end; p += 2) {
    const int32_t c0 = a.idx[p], c1 = a.idx[p + 1];
    if (__builtin_expect(!column_ok(c0, a.minor) || !column_ok(c1, a.minor), 0))
      bad_csr_column(a.op, r, column_ok(c0, a.minor) ? c1 : c0, a.minor);
    const __m512 w0 = _mm512_set1_ps(wr[c0 * a.ld_minor]), w1 = _mm512_set1_ps(wr[c1 * a.ld_minor]);
    const float* x0 = in + c0 * a.ld;
    const float* x1 = in + c1 * a.ld;
    for (int v = 0; v < NV; ++v) {
      acc[v] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x0 + 16 * v), acc[v]);
      acc2[v] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x1 + 16 * v), acc2[v]);
    }
  }
  if (p < end) {
    const int32_t c0 = a.idx[p];
    if (__builtin_expect(!column_ok(c0, a.minor), 0)) bad_csr_column(a.op, r, c0, a.minor);
    const __m512 w0 = _mm512_set1_ps(wr[c0 * a.ld_minor]);
    const float* x0 = in + c0 * a.ld;
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x0 + 16 * v), acc[v]);
  }
  float* o = a.out + r * a.ld + k0;
  for (int v = 0; v < NV; ++v) {
    __m512 s = _mm512_add_ps(acc[v], acc2[v]);
    if (a.relu) s = _mm512_max_ps(_mm512_setzero_ps(), s);  // max(0, NaN) = NaN, like std::max(v, 0)
    _mm512_storeu_ps(o + 16 * v, s);
  }
}

template <int NV>
__attribute__((target("avx2,fma"))) void row_avx2(const Rows& a, int64_t r, int64_t k0) {
  __m256 acc[NV];
  const float b0 = a.bias ? a.bias[r] : 0.0f;
  for (int v = 0; v < NV; ++v) acc[v] = _mm256_set1_ps(b0);
  const float* wr = a.W + r * a.ld_major;
  const float* in = a.in + k0;
  for (int64_t p = a.ptr[r]; p < a.ptr[r + 1]; ++p) {
    const int32_t c = a.idx[p];
    if (__builtin_expect(!column_ok(c, a.minor), 0)) bad_csr_column(a.op, r, c, a.minor);
    const __m256 w = _mm256_set1_ps(wr[c * a.ld_minor]);
    const float* x = in + c * a.ld;
    for (int v = 0; v < NV; ++v) acc[v] = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + 8 * v), acc[v]);
  }
  float* o = a.out + r * a.ld + k0;
  for (int v = 0; v < NV; ++v) {
    __m256 s = acc[v];
    if (a.relu) s = _mm256_max_ps(_mm256_setzero_ps(), s);
    _mm256_storeu_ps(o + 8 * v, s);
  }
}

using RowFn = void (*)(const Rows&, int64_t, int64_t);
template <int... I>
constexpr std::array<RowFn, sizeof...(I)> avx512_table(std::integer_sequence<int, I...>) {
  return {&row_avx512<I + 1>...};
}
template <int... I>
constexpr std::array<RowFn, sizeof...(I)> avx2_table(std::integer_sequence<int, I...>) {
  return {&row_avx2<I + 1>...};
}
#endif

// Generic: 16 columns at a time, the compiler vectorises the lanes for the baseline ISA.
void row_generic(const Rows& a, int64_t r, int64_t k0) {
  float acc[16];
  const float b0 = a.bias ? a.bias[r] : 0.0f;
  for (float& v : acc) v = b0;
  const float* wr = a.W + r * a.ld_major;
  for (int64_t p = a.ptr[r]; p < a.ptr[r + 1]; ++p) {
    const int32_t c = a.idx[p];
    if (__builtin_expect(!column_ok(c, a.minor), 0)) bad_csr_column(a.op, r, c, a.minor);
    const float w = wr[c * a.ld_minor];
    const float* x = a.in + c * a.ld + k0;
    for (int l = 0; l < 16; ++l) acc[l] += w * x[l];
  }
  float* o = a.out + r * a.ld + k0;
  for (int l = 0; l < 16; ++l) o[l] = a.relu ? std::max(acc[l], 0.0f) : acc[l];
}

}  // namespace

void spmm_padded_rows(int64_t r0, int64_t r1, int64_t minor, const int32_t* ptr, const int32_t* idx, const float* W,
                      int64_t ld_major, int64_t ld_minor, const float* in, int64_t ld, const float* bias, bool relu,
                      float* out, const char* op) {
  const Rows a{minor, ptr, idx, W, ld_major, ld_minor, in, ld, bias, relu, out, op};
#if defined(__x86_64__)
  const SimdPath path = simd_path();
  if (path == SimdPath::kAvx512 || path == SimdPath::kAvx2) {
    static constexpr auto k512 = avx512_table(std::make_integer_sequence<int, 8>{});
    static constexpr auto k256 = avx2_table(std::make_integer_sequence<int, 8>{});
    const bool wide = path == SimdPath::kAvx512;
    const int64_t step = wide ? 128 : 64, lanes = wide ? 16 : 8;
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t k0 = 0; k0 < ld; k0 += step) {
        const int nv = static_cast<int>(std::min<int64_t>(step, ld - k0) / lanes);
        (wide ? k512 : k256)[nv - 1](a, r, k0);
      }
    return;
  }
#endif
  for (int64_t r = r0; r < r1; ++r)
    for (int64_t k0 = 0; k0 < ld; k0 += 16) row_generic(a, r, k0);
}

}  // namespace lth::cpu
