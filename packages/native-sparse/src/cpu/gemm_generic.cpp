// Portable pieces of the packed GEMM: the scalar B packer (any panel width) and a plain-C++ micro-kernel
// (4×8 tile, vectorised by the compiler for the baseline ISA) used where neither AVX2 nor AVX-512 exists.
#include <array>
#include <cstring>
#include <utility>

#include "gemm_internal.h"

namespace lth::cpu::gemm_detail {

namespace {
// x where the mask byte is nonzero, else +0.0f; branch-free (masks are random, branches would mispredict).
inline float keep_if(float x, uint8_t m) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  bits &= 0u - static_cast<uint32_t>(m != 0);
  std::memcpy(&x, &bits, 4);
  return x;
}
}  // namespace

void pack_b_scalar(const MatView& b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, int nr_half, float* dst) {
  for (int64_t jp = 0; jp < nc; jp += nr) {
    const int cols = static_cast<int>(std::min<int64_t>(nr, nc - jp));
    const int w = (nr_half && cols <= nr_half) ? nr_half : nr;
    float* d = dst + jp * kc;
    if (!b.trans) {
      for (int64_t k = 0; k < kc; ++k) {
        const int64_t row = (k0 + k) * b.ld + j0 + jp;
        if (b.mask)
          for (int j = 0; j < cols; ++j) d[k * w + j] = keep_if(b.p[row + j], b.mask[row + j]);
        else
          for (int j = 0; j < cols; ++j) d[k * w + j] = b.p[row + j];
        for (int j = cols; j < w; ++j) d[k * w + j] = 0.0f;
      }
    } else {
      for (int j = 0; j < cols; ++j) {
        const int64_t row = (j0 + jp + j) * b.ld + k0;
        if (b.mask)
          for (int64_t k = 0; k < kc; ++k) d[k * w + j] = keep_if(b.p[row + k], b.mask[row + k]);
        else
          for (int64_t k = 0; k < kc; ++k) d[k * w + j] = b.p[row + k];
      }
      for (int64_t k = 0; k < kc; ++k)
        for (int j = cols; j < w; ++j) d[k * w + j] = 0.0f;
    }
  }
}

namespace {

constexpr int kMr = 4, kNr = 8;

// Only straight-line (SLP) vectorisation across the 8 columns: GCC's loop vectoriser would otherwise
// vectorise the k loop as a reduction and shuffle a lot.
template <int R, bool KContig>
__attribute__((optimize("no-tree-loop-vectorize"))) void tile_t(int cols, int64_t kc, const float* a, int64_t lda,
                                                                const float* b, float* c, int64_t ldc,
                                                                const Epilogue& e) {
  float acc[R][kNr] = {};  // stays in registers: its address is never taken
  for (int64_t k = 0; k < kc; ++k) {
    const float* bk = b + k * kNr;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float ar = KContig ? a[r * lda + k] : a[k * lda + r];
#pragma GCC unroll 8
      for (int j = 0; j < kNr; ++j) acc[r][j] += ar * bk[j];
    }
  }
  float out[R][kNr];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
    for (int j = 0; j < kNr; ++j) out[r][j] = acc[r][j];
  store_tile_scalar(&out[0][0], kNr, R, cols, c, ldc, e);
}

using TileFn = void (*)(int, int64_t, const float*, int64_t, const float*, float*, int64_t, const Epilogue&);

template <bool KContig, int... I>
constexpr std::array<TileFn, sizeof...(I)> make_row(std::integer_sequence<int, I...>) {
  return {&tile_t<I + 1, KContig>...};
}

void tile(int rows, int cols, int /*bw*/, int64_t kc, const float* a, int64_t lda, bool a_kcontig, const float* b,
          float* c, int64_t ldc, const Epilogue& e) {
  static constexpr std::array<std::array<TileFn, kMr>, 2> table{make_row<false>(std::make_integer_sequence<int, kMr>{}),
                                                                make_row<true>(std::make_integer_sequence<int, kMr>{})};
  table[a_kcontig][rows - 1](cols, kc, a, lda, b, c, ldc, e);
}

}  // namespace

const Isa& isa_generic() {
  static const Isa isa{"generic", kMr, kNr, 0, &pack_b_scalar, &tile};
  return isa;
}

}  // namespace lth::cpu::gemm_detail
