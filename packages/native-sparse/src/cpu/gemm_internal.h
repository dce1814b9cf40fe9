// Internals of the packed CPU GEMM shared by gemm.cpp, masked_dense.cpp and the per-ISA micro-kernels.
// Not part of the op contract (kernels.h); nothing outside src/cpu includes this.
//
// Structure (Goto/BLIS, mirrored for row-major C whose vector direction is N):
//   driver (gemm_driver.cpp): threads split C into a tm×tn grid; each thread walks
//     NC columns → KC depth → pack B block (KC×NC, stays in L2) → MR rows (the A micro-panel, MR×KC,
//       stays in L1) → NR columns (B micro-panels stream from L2) → micro-kernel.
//   packing: op(B) columns → panels [k][w] (w = NR, or NR/2 for a narrow last panel, zero padded); the
//     transpose (B stored [N,K], e.g. a weight W [out,in]) and the weight mask are handled while packing.
//     A is not packed (like MLAS): the micro-kernel broadcasts op(A) straight from its row-major storage,
//     either layout (rows contiguous in k, or A stored [K,M]); that saves a transpose of the
//     activations per call, which costs as much as a small GEMM.
//   micro-kernels (gemm_avx512.cpp 12×32, gemm_avx2.cpp 6×16, gemm_neon.cpp 8×12, gemm_generic.cpp 4×8):
//     accumulators in registers over one KC block, then the epilogue: alpha, beta·C, bias, ReLU and an
//     output mask, fused into the store. Which one runs: the SIMD path (simd.h, env LTH_SIMD).
#pragma once
#include <algorithm>
#include <cstdint>

namespace lth::cpu::gemm_detail {

// A stored row-major matrix read as op(X): element (r, c) of op(X) is p[r*ld + c] (trans false) or
// p[c*ld + r] (trans true). mask (optional, B only) has X's stored layout and leading dimension; a zero
// entry reads as 0.0f (the weight mask fused into packing).
struct MatView {
  const float* p;
  int64_t ld;
  bool trans;
  const uint8_t* mask;
};

// What the micro-kernel does with its accumulator `acc` for element (r, j) of its tile:
//   v = alpha*acc + (beta != 0 ? beta*C[r,j] : 0); v += bias[j]; v = max(0, v) if relu;
//   v = 0 where cmask[r*ldm + j] == 0; C[r,j] = v.
// bias and cmask point at the tile's origin (null = none).
struct Epilogue {
  float alpha, beta;
  const float* bias;
  bool relu;
  const uint8_t* cmask;
  int64_t ldm;
};

// One call of the driver: C[M,N] (row stride ldc) = epilogue(op(A)[M,K] · op(B)[K,N]).
// The epilogue's bias, relu and cmask are applied once, after the whole K sum.
struct Problem {
  int64_t M, N, K;
  MatView a, b;  // a.mask must be null
  float* c;
  int64_t ldc;
  float alpha, beta;
  const float* bias;  // [N] or null
  bool relu;
  const uint8_t* cmask;  // [M, ldm] or null
  int64_t ldm;
};

void run(const Problem& p);  // gemm_driver.cpp

// One instruction-set variant: micro-tile shape, B packer and the micro-kernel.
struct Isa {
  const char* name;
  int mr;       // rows of a micro-tile
  int nr;       // columns of a micro-tile (B panel width)
  int nr_half;  // a narrower B panel width for a last panel of <= nr_half columns (0: none)
  // Pack depth [k0, k0+kc) × columns [j0, j0+nc) of op(B) (mask applied) into panels of nr columns:
  // panel q starts at dst + q*nr*kc and holds [kc][w], w = nr or nr_half (see above), zero padded.
  // dst is 64-byte aligned.
  void (*pack_b)(const MatView& b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, int nr_half, float* dst);
  // C tile [rows, cols] from A rows × a B panel [kc][bw] (cols <= bw). Element (r, k) of the A tile is
  // a[r*lda + k] when a_kcontig (A row-major [M,K]) else a[k*lda + r] (A stored [K,M]).
  void (*tile)(int rows, int cols, int bw, int64_t kc, const float* a, int64_t lda, bool a_kcontig, const float* b,
               float* c, int64_t ldc, const Epilogue& e);
};

// The variants compiled for this target (null: not built for it; x86-64 builds avx512 and avx2, AArch64
// neon). Whether the CPU runs them is simd_supported()'s question (simd.h).
const Isa* isa_avx512();
const Isa* isa_avx2();
const Isa* isa_neon();
const Isa& isa_generic();
// The variant of the SIMD path in use (simd_path(), chosen once per process; ERR_ARG for a bad LTH_SIMD).
const Isa& active_isa();

// Portable B packer (any panel width), used by the NEON and generic variants and for AVX2's edges.
void pack_b_scalar(const MatView& b, int64_t k0, int64_t kc, int64_t j0, int64_t nc, int nr, int nr_half, float* dst);

// Scalar epilogue over an accumulator tile acc[rows][lda] (edges and the portable kernel).
static inline void store_tile_scalar(const float* acc, int lda, int rows, int cols, float* c, int64_t ldc,
                                     const Epilogue& e) {
  for (int r = 0; r < rows; ++r) {
    float* crow = c + r * ldc;
    for (int j = 0; j < cols; ++j) {
      float v = e.alpha * acc[r * lda + j];
      if (e.beta != 0.0f) v += e.beta * crow[j];
      if (e.bias) v += e.bias[j];
      if (e.relu) v = std::max(v, 0.0f);
      if (e.cmask && !e.cmask[r * e.ldm + j]) v = 0.0f;
      crow[j] = v;
    }
  }
}

}  // namespace lth::cpu::gemm_detail
