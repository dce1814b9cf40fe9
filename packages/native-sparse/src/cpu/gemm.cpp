// Dense GEMM on the CPU. C[M,N] = alpha·op(A)·op(B) + beta·C, row-major.
// ref::gemm is the plain triple loop that defines the op; cpu::gemm is the fast kernel.
#include <algorithm>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace ref {
void gemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, const float* B,
          float beta, float* C) {
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

// Simple row-parallel kernel: op(B) is first made contiguous [K,N], then each row of C is an axpy
// sweep the compiler vectorises.
void gemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, const float* B,
          float beta, float* C) {
  std::vector<float> bt;
  const float* Bn = B;
  if (tb == Trans::T) {
    bt.resize(static_cast<size_t>(K * N));
    for (int64_t j = 0; j < N; ++j)
      for (int64_t k = 0; k < K; ++k) bt[k * N + j] = B[j * K + k];
    Bn = bt.data();
  }
  parallel_for(M, 4, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      float* c = C + i * N;
      if (beta == 0.0f) std::fill(c, c + N, 0.0f);
      else if (beta != 1.0f) for (int64_t j = 0; j < N; ++j) c[j] *= beta;
      for (int64_t k = 0; k < K; ++k) {
        float a = alpha * (ta == Trans::N ? A[i * K + k] : A[k * M + i]);
        const float* b = Bn + k * N;
        for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
      }
    }
  });
}

}  // namespace lth::cpu
