// Masked dense layer on the CPU: y = x·(W⊙M)ᵀ + b (optionally ReLU), and its backward pass with the
// gradient of every pruned weight exactly 0.
#include <algorithm>

#include "../kernels.h"
#include "../parallel.h"
#include "gemm_internal.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                          const float* bias, bool relu, float* y) {
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t o = 0; o < Out; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t i = 0; i < In; ++i) {
        float w = (!mask || mask[o * In + i]) ? W[o * In + i] : 0.0f;
        acc += static_cast<double>(x[b * In + i]) * w;
      }
      float v = static_cast<float>(acc);
      y[b * Out + o] = relu ? std::max(v, 0.0f) : v;
    }
  }
}

void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                           const float* dy, float* dx, float* dW, float* db) {
  if (dx) {
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < In; ++i) {
        double acc = 0;
        for (int64_t o = 0; o < Out; ++o) {
          float w = (!mask || mask[o * In + i]) ? W[o * In + i] : 0.0f;
          acc += static_cast<double>(dy[b * Out + o]) * w;
        }
        dx[b * In + i] = static_cast<float>(acc);
      }
  }
  if (dW) {
    for (int64_t o = 0; o < Out; ++o)
      for (int64_t i = 0; i < In; ++i) {
        double acc = 0;
        if (!mask || mask[o * In + i])
          for (int64_t b = 0; b < B; ++b) acc += static_cast<double>(dy[b * Out + o]) * x[b * In + i];
        dW[o * In + i] = static_cast<float>(acc);
      }
  }
  if (db) {
    for (int64_t o = 0; o < Out; ++o) {
      double acc = 0;
      for (int64_t b = 0; b < B; ++b) acc += dy[b * Out + o];
      db[o] = static_cast<float>(acc);
    }
  }
}
}  // namespace ref

namespace {

// db[o] = Σ_b dy[b, o] for o in [o0, o1): row sweeps the compiler vectorises at the widest ISA available.
LTH_CLONES("avx512f", "avx2", "default")
void column_sums(int64_t rows, int64_t ld, int64_t o0, int64_t o1, const float* dy, float* db) {
  for (int64_t o = o0; o < o1; ++o) db[o] = 0.0f;
  for (int64_t b = 0; b < rows; ++b) {
    const float* row = dy + b * ld;
    for (int64_t o = o0; o < o1; ++o) db[o] += row[o];
  }
}

}  // namespace

// y = x·(W⊙M)ᵀ + bias, ReLU: one packed GEMM with op(B) = Wᵀ; the mask is applied while W is packed
// (no masked copy of W) and bias + ReLU in the micro-kernel's store.
void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                          const float* bias, bool relu, float* y) {
  gemm_detail::Problem p{};
  p.M = B;
  p.N = Out;
  p.K = In;
  p.a = {x, In, false, nullptr};
  p.b = {W, In, true, mask};
  p.c = y;
  p.ldc = Out;
  p.alpha = 1.0f;
  p.beta = 0.0f;
  p.bias = bias;
  p.relu = relu;
  gemm_detail::run(p);
}

// dx = dy·(W⊙M) with the mask fused into packing W; dW = (dyᵀ·x)⊙M with the mask fused into the store
// (exact 0 where pruned); db = column sums of dy.
void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                           const float* dy, float* dx, float* dW, float* db) {
  if (dx) {
    gemm_detail::Problem p{};
    p.M = B;
    p.N = In;
    p.K = Out;
    p.a = {dy, Out, false, nullptr};
    p.b = {W, In, false, mask};
    p.c = dx;
    p.ldc = In;
    p.alpha = 1.0f;
    gemm_detail::run(p);
  }
  if (dW) {
    gemm_detail::Problem p{};
    p.M = Out;
    p.N = In;
    p.K = B;
    p.a = {dy, Out, true, nullptr};  // op(A) = dyᵀ [Out, B]
    p.b = {x, In, false, nullptr};
    p.c = dW;
    p.ldc = In;
    p.alpha = 1.0f;
    p.cmask = mask;
    p.ldm = In;
    gemm_detail::run(p);
  }
  if (db) {
    if (B * Out < (int64_t{1} << 16)) {
      column_sums(B, Out, 0, Out, dy, db);
    } else {
      parallel_for(Out, 64, [&](int64_t o0, int64_t o1) { column_sums(B, Out, o0, o1, dy, db); });
    }
  }
}

}  // namespace lth::cpu
