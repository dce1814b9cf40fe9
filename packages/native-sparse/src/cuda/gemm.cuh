// The interface of the tiled fp32 GEMM (kernel: gemm_kernel.cuh, launcher: gemm.cu), used by the gemm op and
// the masked dense layer: C[M,N] = epilogue(op(A) · op(B)) with optional operand masks (an element whose mask
// byte is 0 is read as 0) and an epilogue alpha·acc (+ beta·C) (+ bias[n]) (then ReLU) (then 0 where cmask == 0).
// Host-side declarations only, so callers do not compile the kernels again.
#pragma once
#include <cstdint>

namespace lth::cuda::tiled {

// One operand as stored in memory. Its "outer" index runs over rows of storage (stride ld), its "inner"
// index over contiguous elements.
struct Operand {
  const float* p;
  const uint8_t* mask;  // same layout and ld as p, or null
  int64_t ld;
  bool vec;  // ld % 4 == 0, p 16-byte aligned, mask (if any) 4-byte aligned: quads along inner are aligned
};

struct Epilogue {
  float alpha, beta;
  float* C;  // [M, ldc]
  int64_t ldc;
  const float* bias;     // [N] or null
  bool relu;
  const uint8_t* cmask;  // [M, ldm] or null: 0 forces the output to exactly 0
  int64_t ldm;
  bool vec;  // ldc % 4 == 0 and C 16-byte aligned: float4 stores
};

struct Problem {
  bool ta, tb;  // op(A) = Aᵀ, op(B) = Bᵀ
  int64_t M, N, K;
  Operand a, b;
  Epilogue e;
};

// Operand view with the vector-load flag worked out from ld and the pointers' alignment.
inline Operand operand(const float* p, const uint8_t* mask, int64_t ld) {
  const bool vec = ld % 4 == 0 && reinterpret_cast<uintptr_t>(p) % 16 == 0 &&
                   (!mask || reinterpret_cast<uintptr_t>(mask) % 4 == 0);
  return {p, mask, ld, vec};
}

// Plain epilogue C = alpha·acc + beta·C with C [M, ldc]; callers add bias / relu / cmask.
inline Epilogue epilogue(float alpha, float beta, float* C, int64_t ldc) {
  const bool vec = ldc % 4 == 0 && reinterpret_cast<uintptr_t>(C) % 16 == 0;
  return {alpha, beta, C, ldc, nullptr, false, nullptr, 0, vec};
}

// Enqueue the product on the addon's stream (no wait). M == 0 or N == 0 launches nothing.
void enqueue(const Problem& p, const char* name);

}  // namespace lth::cuda::tiled
