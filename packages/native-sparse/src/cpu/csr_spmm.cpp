// CSR × dense on the CPU: C[M,N] = A_csr[M,K] · B[K,N] (+ bias[M] per row) (then ReLU).
//
// Fast kernel. The columns of C are cut into tiles that fit the vector registers: up to 256 floats on
// AVX-512 (16 zmm accumulators, the last one masked), 96 on AVX2 (12 of the 16 ymm registers, the last one
// masked) and on NEON (24 of the 32 q registers, a scalar pass for the last w mod 4 columns), 64 on the
// generic path (the compiler vectorises for the baseline ISA). For each row of A the tile is accumulated in
// registers: per nonzero one broadcast and one FMA per vector with a load of B[col, tile] each; the bias
// starts the sum and the ReLU is applied in the store, so empty rows still get bias/ReLU. Work items are
// (column tile × row chunk): tiles of equal width are shared among threads (each thread then reads only its
// columns of B, which stay in its L2 while the rows stream), and rows are split into chunks of about equal
// cost (nnz + 1 per row, binary search on rowptr) as far as needed for the item count to be a multiple of
// the thread count. N == 1 (SpMV) is a gathered dot product per row (AVX-512 gathers; else scalar), rows
// split the same way. The path is the SIMD path in use (simd.h, env LTH_SIMD). Column indices are checked
// as they are used (one predictable compare per nonzero and tile); rowptr is checked up front.
// Each row's sum runs in the same order for any thread count, so results are bit-identical across threads.
// GCC 12's own AVX-512 headers trip -Wmaybe-uninitialized (GCC bug 105593); not our code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

#include <algorithm>
#include <array>
#include <numeric>
#include <utility>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "csr_check.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void csr_spmm(const CsrView& A, int64_t N, const float* B, const float* bias, bool relu, float* C) {
  check_csr_rowptr(A, "csr_spmm");
  for (int64_t i = 0; i < A.rows; ++i) {
    for (int64_t p = A.rowptr[i]; p < A.rowptr[i + 1]; ++p)
      if (!column_ok(A.colidx[p], A.cols)) bad_csr_column("csr_spmm", i, A.colidx[p], A.cols);
    for (int64_t j = 0; j < N; ++j) {
      double acc = bias ? bias[i] : 0.0;
      for (int64_t p = A.rowptr[i]; p < A.rowptr[i + 1]; ++p)
        acc += static_cast<double>(A.values[p]) * B[static_cast<int64_t>(A.colidx[p]) * N + j];
      float v = static_cast<float>(acc);
      C[i * N + j] = relu ? std::max(v, 0.0f) : v;
    }
  }
}
}  // namespace ref

namespace {

// ---- AVX-512 -----------------------------------------------------------------------------------------
#if defined(__x86_64__)
#define LTH_AVX512 __attribute__((target("avx512f"), always_inline)) inline

// One row × one column tile of NV vectors (the last masked by `tail`).
template <int NV>
LTH_AVX512 void tile_row_avx512(const int32_t* ci, const float* vals, int64_t nz, const float* B, int64_t N, int64_t K,
                                __mmask16 tail, float b0, bool relu, float* c, int64_t row) {
  __m512 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm512_set1_ps(b0);
  for (int64_t p = 0; p < nz; ++p) {
    int32_t col = ci[p];
    if (__builtin_expect(!column_ok(col, K), 0)) bad_csr_column("csr_spmm", row, col, K);
    const __m512 a = _mm512_set1_ps(vals[p]);
    const float* b = B + static_cast<int64_t>(col) * N;
    for (int v = 0; v < NV - 1; ++v) acc[v] = _mm512_fmadd_ps(a, _mm512_loadu_ps(b + 16 * v), acc[v]);
    acc[NV - 1] = _mm512_fmadd_ps(a, _mm512_maskz_loadu_ps(tail, b + 16 * (NV - 1)), acc[NV - 1]);
  }
  if (relu)
    for (int v = 0; v < NV; ++v)
      acc[v] = _mm512_max_ps(_mm512_setzero_ps(), acc[v]);  // max(0, NaN) = NaN, like std::max(v, 0)
  for (int v = 0; v < NV - 1; ++v) _mm512_storeu_ps(c + 16 * v, acc[v]);
  _mm512_mask_storeu_ps(c + 16 * (NV - 1), tail, acc[NV - 1]);
}

template <int NV>
__attribute__((target("avx512f"))) void tile_rows_avx512(const CsrView& A, int64_t r0, int64_t r1, int64_t N,
                                                         int64_t j0, __mmask16 tail, const float* B, const float* bias,
                                                         bool relu, float* C) {
  for (int64_t i = r0; i < r1; ++i) {
    const int64_t p0 = A.rowptr[i];
    tile_row_avx512<NV>(A.colidx + p0, A.values + p0, A.rowptr[i + 1] - p0, B + j0, N, A.cols, tail,
                        bias ? bias[i] : 0.0f, relu, C + i * N + j0, i);
  }
}

constexpr int64_t kTileVecs = 16;  // 256 columns: 16 accumulators
constexpr int64_t kTileCols = 16 * kTileVecs;

// Rows [r0, r1) × columns [j0, j0 + w), w <= 256.
__attribute__((target("avx512f"))) void spmm_tile_avx512(const CsrView& A, int64_t r0, int64_t r1, int64_t N,
                                                         int64_t j0, int64_t w, const float* B, const float* bias,
                                                         bool relu, float* C) {
  const int nv = static_cast<int>((w + 15) / 16);
  const int rem = static_cast<int>(w - 16 * (nv - 1));
  const __mmask16 tail = static_cast<__mmask16>(rem == 16 ? 0xFFFF : (1u << rem) - 1);
  using Fn =
      void (*)(const CsrView&, int64_t, int64_t, int64_t, int64_t, __mmask16, const float*, const float*, bool, float*);
  static constexpr Fn kByVecs[kTileVecs] = {
      tile_rows_avx512<1>,  tile_rows_avx512<2>,  tile_rows_avx512<3>,  tile_rows_avx512<4>,
      tile_rows_avx512<5>,  tile_rows_avx512<6>,  tile_rows_avx512<7>,  tile_rows_avx512<8>,
      tile_rows_avx512<9>,  tile_rows_avx512<10>, tile_rows_avx512<11>, tile_rows_avx512<12>,
      tile_rows_avx512<13>, tile_rows_avx512<14>, tile_rows_avx512<15>, tile_rows_avx512<16>};
  kByVecs[nv - 1](A, r0, r1, N, j0, tail, B, bias, relu, C);
}

// SpMV: 16 nonzeros at a time, indices checked as a vector, B gathered.
__attribute__((target("avx512f"))) void spmv_rows_avx512(const CsrView& A, int64_t r0, int64_t r1, const float* B,
                                                         const float* bias, bool relu, float* C) {
  const __m512i kcols = _mm512_set1_epi32(static_cast<int32_t>(std::min<int64_t>(A.cols, INT32_MAX)));
  for (int64_t i = r0; i < r1; ++i) {
    const int64_t p0 = A.rowptr[i], p1 = A.rowptr[i + 1];
    __m512 acc = _mm512_set1_ps(0.0f);
    for (int64_t p = p0; p < p1; p += 16) {
      const int64_t left = p1 - p;
      const __mmask16 m = static_cast<__mmask16>(left >= 16 ? 0xFFFF : (1u << left) - 1);
      const __m512i idx = _mm512_maskz_loadu_epi32(m, A.colidx + p);
      // Unsigned compare: negative indices look huge.
      if (__builtin_expect(_mm512_mask_cmpge_epu32_mask(m, idx, kcols) != 0, 0)) {
        for (int64_t q = p; q < p1; ++q)
          if (!column_ok(A.colidx[q], A.cols)) bad_csr_column("csr_spmm", i, A.colidx[q], A.cols);
      }
      const __m512 b = _mm512_mask_i32gather_ps(_mm512_set1_ps(0.0f), m, idx, B, 4);
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, A.values + p), b, acc);
    }
    float v = _mm512_reduce_add_ps(acc) + (bias ? bias[i] : 0.0f);
    C[i] = relu ? std::max(v, 0.0f) : v;
  }
}

// ---- AVX2 + FMA ---------------------------------------------------------------------------------------
#define LTH_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

// One row × one column tile of NV ymm vectors; with Tail the last one is loaded/stored under `tail`.
template <int NV, bool Tail>
LTH_AVX2 void tile_row_avx2(const int32_t* ci, const float* vals, int64_t nz, const float* B, int64_t N, int64_t K,
                            __m256i tail, float b0, bool relu, float* c, int64_t row) {
  __m256 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm256_set1_ps(b0);
  for (int64_t p = 0; p < nz; ++p) {
    int32_t col = ci[p];
    if (__builtin_expect(!column_ok(col, K), 0)) bad_csr_column("csr_spmm", row, col, K);
    const __m256 a = _mm256_broadcast_ss(vals + p);
    const float* b = B + static_cast<int64_t>(col) * N;
    for (int v = 0; v < NV - 1; ++v) acc[v] = _mm256_fmadd_ps(a, _mm256_loadu_ps(b + 8 * v), acc[v]);
    const __m256 last = Tail ? _mm256_maskload_ps(b + 8 * (NV - 1), tail) : _mm256_loadu_ps(b + 8 * (NV - 1));
    acc[NV - 1] = _mm256_fmadd_ps(a, last, acc[NV - 1]);
  }
  if (relu)
    for (int v = 0; v < NV; ++v) acc[v] = _mm256_max_ps(_mm256_setzero_ps(), acc[v]);  // max(0, NaN) = NaN
  for (int v = 0; v < NV - 1; ++v) _mm256_storeu_ps(c + 8 * v, acc[v]);
  if (Tail) _mm256_maskstore_ps(c + 8 * (NV - 1), tail, acc[NV - 1]);
  else _mm256_storeu_ps(c + 8 * (NV - 1), acc[NV - 1]);
}

template <int NV, bool Tail>
__attribute__((target("avx2,fma"))) void tile_rows_avx2(const CsrView& A, int64_t r0, int64_t r1, int64_t N, int64_t j0,
                                                        int rem, const float* B, const float* bias, bool relu,
                                                        float* C) {
  // Lanes [0, rem) of the last vector (rem in 1..8).
  const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int64_t i = r0; i < r1; ++i) {
    const int64_t p0 = A.rowptr[i];
    tile_row_avx2<NV, Tail>(A.colidx + p0, A.values + p0, A.rowptr[i + 1] - p0, B + j0, N, A.cols, tail,
                            bias ? bias[i] : 0.0f, relu, C + i * N + j0, i);
  }
}

constexpr int kAvx2TileVecs = 12;  // 96 columns: 12 accumulators + the broadcast + a load
constexpr int64_t kAvx2TileCols = 8 * kAvx2TileVecs;

using Avx2Fn = void (*)(const CsrView&, int64_t, int64_t, int64_t, int64_t, int, const float*, const float*, bool,
                        float*);
template <int... I>
constexpr std::array<std::array<Avx2Fn, sizeof...(I)>, 2> avx2_table(std::integer_sequence<int, I...>) {
  return {{{&tile_rows_avx2<I + 1, false>...}, {&tile_rows_avx2<I + 1, true>...}}};
}

// Rows [r0, r1) × columns [j0, j0 + w), w <= 96.
void spmm_tile_avx2(const CsrView& A, int64_t r0, int64_t r1, int64_t N, int64_t j0, int64_t w, const float* B,
                    const float* bias, bool relu, float* C) {
  static constexpr auto kTable = avx2_table(std::make_integer_sequence<int, kAvx2TileVecs>{});
  const int nv = static_cast<int>((w + 7) / 8);
  const int rem = static_cast<int>(w - 8 * (nv - 1));  // lanes of the last vector, 1..8
  kTable[rem != 8][nv - 1](A, r0, r1, N, j0, rem, B, bias, relu, C);
}
#endif

// ---- NEON (AArch64) -----------------------------------------------------------------------------------
#if defined(__aarch64__)
constexpr int kNeonTileVecs = 24;  // 96 columns: 24 of the 32 q registers
constexpr int64_t kNeonTileCols = 4 * kNeonTileVecs;

// One row × columns [0, 4·NV) of the tile in registers; `rem` (< 4) more columns after them in scalars.
template <int NV>
void tile_row_neon(const int32_t* ci, const float* vals, int64_t nz, const float* B, int64_t N, int64_t K, int rem,
                   float b0, bool relu, float* c, int64_t row) {
  float32x4_t acc[NV > 0 ? NV : 1];
  for (int v = 0; v < NV; ++v) acc[v] = vdupq_n_f32(b0);
  float tail[3] = {b0, b0, b0};
  for (int64_t p = 0; p < nz; ++p) {
    int32_t col = ci[p];
    if (__builtin_expect(!column_ok(col, K), 0)) bad_csr_column("csr_spmm", row, col, K);
    const float a = vals[p];
    const float* b = B + static_cast<int64_t>(col) * N;
    for (int v = 0; v < NV; ++v) acc[v] = vfmaq_n_f32(acc[v], vld1q_f32(b + 4 * v), a);
    for (int j = 0; j < rem; ++j) tail[j] += a * b[4 * NV + j];
  }
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int v = 0; v < NV; ++v) vst1q_f32(c + 4 * v, relu ? vmaxq_f32(zero, acc[v]) : acc[v]);  // max(0, NaN) = NaN
  for (int j = 0; j < rem; ++j) c[4 * NV + j] = relu ? std::max(tail[j], 0.0f) : tail[j];
}

template <int NV>
void tile_rows_neon(const CsrView& A, int64_t r0, int64_t r1, int64_t N, int64_t j0, int rem, const float* B,
                    const float* bias, bool relu, float* C) {
  for (int64_t i = r0; i < r1; ++i) {
    const int64_t p0 = A.rowptr[i];
    tile_row_neon<NV>(A.colidx + p0, A.values + p0, A.rowptr[i + 1] - p0, B + j0, N, A.cols, rem, bias ? bias[i] : 0.0f,
                      relu, C + i * N + j0, i);
  }
}

using NeonFn = void (*)(const CsrView&, int64_t, int64_t, int64_t, int64_t, int, const float*, const float*, bool,
                        float*);
template <int... I>
constexpr std::array<NeonFn, sizeof...(I)> neon_table(std::integer_sequence<int, I...>) {
  return {&tile_rows_neon<I>...};
}

// Rows [r0, r1) × columns [j0, j0 + w), w <= 96.
void spmm_tile_neon(const CsrView& A, int64_t r0, int64_t r1, int64_t N, int64_t j0, int64_t w, const float* B,
                    const float* bias, bool relu, float* C) {
  static constexpr auto kTable = neon_table(std::make_integer_sequence<int, kNeonTileVecs + 1>{});
  kTable[w / 4](A, r0, r1, N, j0, static_cast<int>(w % 4), B, bias, relu, C);
}
#endif

// ---- generic (baseline ISA, compiler-vectorised) --------------------------------------------------------
constexpr int64_t kPortableTile = 64;

// Rows [r0, r1) × columns [j0, j0 + w), w <= kPortableTile.
void spmm_tile_portable(const CsrView& A, int64_t r0, int64_t r1, int64_t N, int64_t j0, int64_t w, const float* B,
                        const float* bias, bool relu, float* C) {
  for (int64_t i = r0; i < r1; ++i) {
    float acc[kPortableTile];
    const float b0 = bias ? bias[i] : 0.0f;
    for (int64_t j = 0; j < kPortableTile; ++j) acc[j] = b0;
    for (int64_t p = A.rowptr[i]; p < A.rowptr[i + 1]; ++p) {
      const int32_t col = A.colidx[p];
      if (__builtin_expect(!column_ok(col, A.cols), 0)) bad_csr_column("csr_spmm", i, col, A.cols);
      const float a = A.values[p];
      const float* b = B + static_cast<int64_t>(col) * N + j0;
      if (w == kPortableTile) {
        for (int64_t j = 0; j < kPortableTile; ++j) acc[j] += a * b[j];
      } else {
        for (int64_t j = 0; j < w; ++j) acc[j] += a * b[j];
      }
    }
    float* c = C + i * N + j0;
    for (int64_t j = 0; j < w; ++j) c[j] = relu ? std::max(acc[j], 0.0f) : acc[j];
  }
}

void spmv_rows_portable(const CsrView& A, int64_t r0, int64_t r1, const float* B, const float* bias, bool relu,
                        float* C) {
  for (int64_t i = r0; i < r1; ++i) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t p = A.rowptr[i];
    const int64_t p1 = A.rowptr[i + 1];
    for (int64_t q = p; q < p1; ++q)
      if (!column_ok(A.colidx[q], A.cols)) bad_csr_column("csr_spmm", i, A.colidx[q], A.cols);
    for (; p + 4 <= p1; p += 4) {
      s0 += A.values[p] * B[A.colidx[p]];
      s1 += A.values[p + 1] * B[A.colidx[p + 1]];
      s2 += A.values[p + 2] * B[A.colidx[p + 2]];
      s3 += A.values[p + 3] * B[A.colidx[p + 3]];
    }
    for (; p < p1; ++p) s0 += A.values[p] * B[A.colidx[p]];
    float v = (s0 + s1) + (s2 + s3) + (bias ? bias[i] : 0.0f);
    C[i] = relu ? std::max(v, 0.0f) : v;
  }
}

// First row of chunk t of `chunks` with about equal cost rowptr[i] + i (nnz plus one unit per row).
int64_t split_row(const CsrView& A, int64_t t, int64_t chunks) {
  if (t <= 0) return 0;
  if (t >= chunks) return A.rows;
  const int64_t total = A.nnz + A.rows;
  const int64_t target = total * t / chunks;
  int64_t lo = 0, hi = A.rows;  // smallest i with rowptr[i] + i >= target
  while (lo < hi) {
    int64_t mid = (lo + hi) / 2;
    if (A.rowptr[mid] + mid >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

}  // namespace

void csr_spmm(const CsrView& A, int64_t N, const float* B, const float* bias, bool relu, float* C) {
  check_csr_rowptr(A, "csr_spmm");
  if (A.rows == 0 || N == 0) return;
  const SimdPath path = simd_path();
  [[maybe_unused]] const bool avx512 = path == SimdPath::kAvx512;
  // Work in vector-FMA units; small products run on the calling thread.
  const int64_t work = (A.nnz + A.rows) * ((N + 15) / 16);
  const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(num_threads(), work / 4096 + 1));
  if (N == 1) {
    const int64_t chunks = std::min<int64_t>(threads, A.rows);
    parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        const int64_t r0 = split_row(A, c, chunks), r1 = split_row(A, c + 1, chunks);
#if defined(__x86_64__)
        if (avx512) {
          spmv_rows_avx512(A, r0, r1, B, bias, relu, C);
          continue;
        }
#endif
        spmv_rows_portable(A, r0, r1, B, bias, relu, C);
      }
    });
    return;
  }
  // Work items: column tile × row chunk. The columns are cut into tiles of equal width (a multiple of 16, at
  // most the register tile), so each thread reads only its part of B; rows are cut into row_chunks pieces of
  // about equal cost so that the item count is a multiple of the thread count (lcm of tiles and threads).
#if defined(__x86_64__)
  const int64_t max_tile = avx512 ? kTileCols : path == SimdPath::kAvx2 ? kAvx2TileCols : kPortableTile;
#elif defined(__aarch64__)
  const int64_t max_tile = path == SimdPath::kNeon ? kNeonTileCols : kPortableTile;
#else
  const int64_t max_tile = kPortableTile;
#endif
  const int64_t tiles = (N + max_tile - 1) / max_tile;
  const int64_t width = ((N + tiles - 1) / tiles + 15) / 16 * 16;
  const int64_t row_chunks = std::max<int64_t>(1, std::min<int64_t>(A.rows, threads / std::gcd(tiles, threads)));
  const int64_t items = tiles * row_chunks;
  parallel_for(items, 1, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; ++q) {
      const int64_t t = q / row_chunks, rc = q % row_chunks;
      const int64_t r0 = split_row(A, rc, row_chunks), r1 = split_row(A, rc + 1, row_chunks);
      const int64_t j0 = t * width, w = std::min(width, N - j0);
      if (r0 >= r1 || w <= 0) continue;
#if defined(__x86_64__)
      if (avx512) {
        spmm_tile_avx512(A, r0, r1, N, j0, w, B, bias, relu, C);
        continue;
      }
      if (path == SimdPath::kAvx2) {
        spmm_tile_avx2(A, r0, r1, N, j0, w, B, bias, relu, C);
        continue;
      }
#endif
#if defined(__aarch64__)
      if (path == SimdPath::kNeon) {
        spmm_tile_neon(A, r0, r1, N, j0, w, B, bias, relu, C);
        continue;
      }
#endif
      spmm_tile_portable(A, r0, r1, N, j0, w, B, bias, relu, C);
    }
  });
}

}  // namespace lth::cpu
