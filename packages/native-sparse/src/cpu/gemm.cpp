// Dense GEMM on the CPU. C[M,N] = alpha·op(A)·op(B) + beta·C, row-major.
// ref::gemm is the plain triple loop that defines the op; cpu::gemm is the fast kernel: a packed GEMM
// (see gemm_internal.h) with AVX-512 / AVX2 / portable micro-kernels picked at run time.
#include "../kernels.h"
#include "gemm_internal.h"

namespace lth::cpu {

namespace ref {
void gemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, const float* B, float beta,
          float* C) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k) {
        float a = ta == Trans::N ? A[i * K + k] : A[k * M + i];
        float b = tb == Trans::N ? B[k * N + j] : B[j * K + k];
        acc += static_cast<double>(a) * b;
      }
      float old = beta == 0.0f ? 0.0f : beta * C[i * N + j];
      C[i * N + j] = static_cast<float>(alpha * acc) + old;
    }
  }
}
}  // namespace ref

// The packed, blocked, multi-threaded kernel (gemm_driver.cpp and the per-ISA micro-kernels).
void gemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, const float* B, float beta,
          float* C) {
  gemm_detail::Problem p{};
  p.M = M;
  p.N = N;
  p.K = K;
  p.a = {A, ta == Trans::N ? K : M, ta == Trans::T, nullptr};
  p.b = {B, tb == Trans::N ? N : K, tb == Trans::T, nullptr};
  p.c = C;
  p.ldc = N;
  p.alpha = alpha;
  p.beta = beta;
  gemm_detail::run(p);
}

}  // namespace lth::cpu
