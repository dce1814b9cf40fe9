// AArch64 Advanced SIMD (NEON) micro-kernel of the packed GEMM: an 8×12 tile (24 of the 32 q registers as
// accumulators, 3 B vectors, A broadcast with ld1r), every smaller tile by template. B is packed by the
// portable packer (panels of 12, or 8 for a narrow last panel); the epilogue (alpha, beta·C, bias, ReLU,
// output mask) is fused into the store. NEON is baseline on AArch64, so this file needs no target flags;
// on other targets it compiles to a null variant.
//
// Plain definition of what this computes: gemm_internal.h (Isa::tile) and ref::gemm (gemm.cpp).
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

#include <array>
#include <cstring>
#include <utility>

#include "gemm_internal.h"

namespace lth::cpu::gemm_detail {

#if defined(__aarch64__)
namespace {

constexpr int kMr = 8, kNr = 12;

// C tile [R, cols] from A rows × a B panel [kc][NV·4]; cols <= NV·4.
template <int R, int NV, bool KContig>
void tile_t(int cols, int64_t kc, const float* __restrict a, int64_t lda, const float* __restrict b, float* c,
            int64_t ldc, const Epilogue& e) {
  float32x4_t acc[R][NV];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) acc[r][v] = vdupq_n_f32(0.0f);
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    float32x4_t bv[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) bv[v] = vld1q_f32(b + k * (NV * 4) + v * 4);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float32x4_t ar = vld1q_dup_f32(KContig ? a + r * lda + k : a + k * lda + r);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[r][v] = vfmaq_f32(acc[r][v], ar, bv[v]);
    }
  }
  if (cols != NV * 4) {  // column edge: through a small buffer and the scalar epilogue
    float tmp[R][NV * 4];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) vst1q_f32(&tmp[r][v * 4], acc[r][v]);
    store_tile_scalar(&tmp[0][0], NV * 4, R, cols, c, ldc, e);
    return;
  }
  const Epilogue ep = e;  // a local copy: the stores to C below cannot alias it
  const float32x4_t zero = vdupq_n_f32(0.0f);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + v * 4;
      float32x4_t x = vmulq_n_f32(acc[r][v], ep.alpha);
      if (ep.beta != 0.0f) x = vfmaq_n_f32(x, vld1q_f32(cp), ep.beta);
      if (ep.bias) x = vaddq_f32(x, vld1q_f32(ep.bias + v * 4));
      // max(0, NaN) = NaN, like std::max(v, 0): vmaxq_f32 propagates NaN.
      if (ep.relu) x = vmaxq_f32(zero, x);
      if (ep.cmask) {  // 4 mask bytes -> lanes of all ones where alive
        uint32_t mb;
        std::memcpy(&mb, ep.cmask + r * ep.ldm + v * 4, 4);
        const uint32x4_t m32 = vmovl_u16(vget_low_u16(vmovl_u8(vcreate_u8(mb))));
        x = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(x), vtstq_u32(m32, m32)));
      }
      vst1q_f32(cp, x);
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
  // bw is 12 (3 vectors) or 8 (the narrow last panel, 2 vectors).
  static constexpr std::array<std::array<TileFn, kMr>, 4> table{make_row<2, false>(Seq{}), make_row<3, false>(Seq{}),
                                                                make_row<2, true>(Seq{}), make_row<3, true>(Seq{})};
  table[(a_kcontig ? 2 : 0) + (bw == 12 ? 1 : 0)][rows - 1](cols, kc, a, lda, b, c, ldc, e);
}

}  // namespace

const Isa* isa_neon() {
  static const Isa isa{"neon", kMr, kNr, 8, &pack_b_scalar, &tile};
  return &isa;
}
#else
const Isa* isa_neon() { return nullptr; }
#endif

}  // namespace lth::cpu::gemm_detail
