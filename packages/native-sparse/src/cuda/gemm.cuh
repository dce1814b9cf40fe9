// The interface of the tiled fp32 GEMM (kernel: gemm_kernel.cuh, launcher: gemm.cu), used by the gemm op and
// the masked dense layer: C[M,N] = epilogue(op(A) · op(B)) with optional operand masks (an element whose mask
// byte is 0 is read as 0) and an epilogue alpha·acc (+ beta·C) (+ bias[n]) (then ReLU) (then 0 where cmask == 0).
// A Problem may stand for `batch` independent products of one shape (grid y = the batch index): problem i
// reads operands at p + i·batch_stride (mask alike) and writes C + i·c_stride, with bias and cmask offset
// by their own strides; every decision (tile shape, split-K) is the single problem's, so each problem of a
// batch gives the same bits as the problem run alone.
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
  int64_t batch_stride = 0;  // elements from one problem's operand to the next (0: shared by the batch)
};

struct Epilogue {
  float alpha, beta;
  float* C;  // [M, ldc]
  int64_t ldc;
  const float* bias;  // [N] or null
  bool relu;
  const uint8_t* cmask;  // [M, ldm] or null: 0 forces the output to exactly 0
  int64_t ldm;
  bool vec;                                                 // ldc % 4 == 0 and C 16-byte aligned: float4 stores
  int64_t c_stride = 0, bias_stride = 0, cmask_stride = 0;  // per problem of a batch (elements)
};

struct Problem {
  bool ta, tb;  // op(A) = Aᵀ, op(B) = Bᵀ
  int64_t M, N, K;
  Operand a, b;
  Epilogue e;
  int64_t batch = 1;  // independent problems (grid y); strides above
};

// Operand view with the vector-load flag worked out from ld and the pointers' alignment.
inline Operand operand(const float* p, const uint8_t* mask, int64_t ld) {
  const bool vec =
      ld % 4 == 0 && reinterpret_cast<uintptr_t>(p) % 16 == 0 && (!mask || reinterpret_cast<uintptr_t>(mask) % 4 == 0);
  return {p, mask, ld, vec};
}

// Plain epilogue C = alpha·acc + beta·C with C [M, ldc]; callers add bias / relu / cmask.
inline Epilogue epilogue(float alpha, float beta, float* C, int64_t ldc) {
  const bool vec = ldc % 4 == 0 && reinterpret_cast<uintptr_t>(C) % 16 == 0;
  return {alpha, beta, C, ldc, nullptr, false, nullptr, 0, vec};
}

// Enqueue the product(s) on the addon's stream (no wait). M == 0, N == 0 or batch == 0 launches nothing.
// A batch clears the vector flags whose strides would misalign later problems.
void enqueue(const Problem& p, const char* name);

}  // namespace lth::cuda::tiled
