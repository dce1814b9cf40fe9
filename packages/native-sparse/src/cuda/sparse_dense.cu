// Sparse fully connected layer on the GPU (definition: src/cpu/sparse_dense.cpp, namespace ref).
//
// sparse_dense_structure  the mask is copied to the host, the structure built by the CPU loops (the definition)
//                         and uploaded: once per mask (an IMP level), so the copies do not matter.
// sparse_dense_forward    one thread per output element y[b,o]: the row's nonzeros in order (bias first, ReLU
//                         in the store, NaN propagating as in ref).
// sparse_dense_backward   dx: one thread per dx[b,i] over column i of the CSC; dW: one thread per nonzero, the
//                         dot product over the batch (SDDMM), written only at the nonzeros; db: one thread per o.
// The CSR (and for dx the CSC) is validated on the device first with csr_spmm's checks and messages.
#include <vector>

#include "common.cuh"
#include "csr_common.cuh"

namespace lth::cuda {

namespace {

__global__ void __launch_bounds__(kThreads)
    forward_kernel(int64_t B, int64_t Out, int64_t In, const int32_t* __restrict__ rowptr,
                   const int32_t* __restrict__ colidx, const float* __restrict__ x, const float* __restrict__ W,
                   const float* __restrict__ bias, bool relu, float* __restrict__ y) {
  LTH_CUDA_FOR(e, B * Out) {
    const int64_t b = e / Out, o = e % Out;
    float acc = bias ? bias[o] : 0.0f;
    for (int32_t p = rowptr[o]; p < rowptr[o + 1]; ++p) {
      const int64_t i = colidx[p];
      acc = fmaf(x[b * In + i], W[o * In + i], acc);
    }
    y[e] = relu && acc < 0.0f ? 0.0f : acc;
  }
}

__global__ void __launch_bounds__(kThreads)
    dx_kernel(int64_t B, int64_t Out, int64_t In, const int32_t* __restrict__ colptr,
              const int32_t* __restrict__ rowidx, const float* __restrict__ dy, const float* __restrict__ W,
              float* __restrict__ dx) {
  LTH_CUDA_FOR(e, B * In) {
    const int64_t b = e / In, i = e % In;
    float acc = 0.0f;
    for (int32_t p = colptr[i]; p < colptr[i + 1]; ++p) {
      const int64_t o = rowidx[p];
      acc = fmaf(dy[b * Out + o], W[o * In + i], acc);
    }
    dx[e] = acc;
  }
}

// One thread per nonzero p; its row is found by binary search in rowptr (valid by now).
__global__ void __launch_bounds__(kThreads)
    dw_kernel(int64_t B, int64_t Out, int64_t In, int64_t nnz, const int32_t* __restrict__ rowptr,
              const int32_t* __restrict__ colidx, const float* __restrict__ x, const float* __restrict__ dy,
              float* __restrict__ dW) {
  LTH_CUDA_FOR(p, nnz) {
    int64_t lo = 0, hi = Out;  // the last row o with rowptr[o] <= p
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) / 2;
      if (rowptr[mid] <= p) lo = mid;
      else hi = mid;
    }
    const int64_t o = lo, i = colidx[p];
    float acc = 0.0f;
    for (int64_t b = 0; b < B; ++b) acc = fmaf(dy[b * Out + o], x[b * In + i], acc);
    dW[o * In + i] = acc;
  }
}

__global__ void __launch_bounds__(kThreads)
    db_kernel(int64_t B, int64_t Out, const float* __restrict__ dy, float* __restrict__ db) {
  LTH_CUDA_FOR(o, Out) {
    float acc = 0.0f;
    for (int64_t b = 0; b < B; ++b) acc += dy[b * Out + o];
    db[o] = acc;
  }
}

}  // namespace

void sparse_dense_structure(int64_t Out, int64_t In, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                            int32_t* colptr, int32_t* rowidx, int32_t* positions) {
  std::vector<uint8_t> m(static_cast<size_t>(Out * In));
  if (!m.empty()) copy_to_host(m.data(), mask, m.size());  // waits
  std::vector<int32_t> rp(static_cast<size_t>(Out) + 1), cp(static_cast<size_t>(In) + 1);
  int64_t nnz = 0;
  for (uint8_t v : m) nnz += v != 0;
  std::vector<int32_t> ci(static_cast<size_t>(nnz)), ri(ci.size()), pos(ci.size());
  lth::cpu::ref::sparse_dense_structure(Out, In, m.data(), rp.data(), ci.data(), cp.data(), ri.data(), pos.data());
  copy_to_device(rowptr, rp.data(), rp.size() * sizeof(int32_t));
  copy_to_device(colptr, cp.data(), cp.size() * sizeof(int32_t));
  if (nnz > 0) {
    copy_to_device(colidx, ci.data(), ci.size() * sizeof(int32_t));
    copy_to_device(rowidx, ri.data(), ri.size() * sizeof(int32_t));
    copy_to_device(positions, pos.data(), pos.size() * sizeof(int32_t));
  }
  finish("sparse_dense_structure");
}

void sparse_dense_forward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* bias,
                          bool relu, float* y) {
  validate_csr(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, nullptr}, "sparse_dense_forward");
  if (B * s.out == 0) return;
  forward_kernel<<<grid_for(B * s.out, kThreads), kThreads, 0, stream()>>>(B, s.out, s.in, s.rowptr, s.colidx, x, W,
                                                                           bias, relu, y);
  check_launch("sparse_dense_forward");
  finish("sparse_dense_forward");
}

void sparse_dense_backward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* dy,
                           float* dx, float* dW, float* db) {
  if (dx)
    validate_csr(CsrView{s.in, s.out, s.nnz, s.colptr, s.rowidx, nullptr},
                 "sparse_dense_backward (transposed structure)");
  if (dW) validate_csr(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, nullptr}, "sparse_dense_backward");
  if (dx && B * s.in > 0) {
    dx_kernel<<<grid_for(B * s.in, kThreads), kThreads, 0, stream()>>>(B, s.out, s.in, s.colptr, s.rowidx, dy, W, dx);
    check_launch("sparse_dense_backward (dx)");
  }
  if (dW && s.nnz > 0) {
    dw_kernel<<<grid_for(s.nnz, kThreads), kThreads, 0, stream()>>>(B, s.out, s.in, s.nnz, s.rowptr, s.colidx, x, dy,
                                                                    dW);
    check_launch("sparse_dense_backward (dW)");
  }
  if (db && s.out > 0) {
    db_kernel<<<grid_for(s.out, kThreads), kThreads, 0, stream()>>>(B, s.out, dy, db);
    check_launch("sparse_dense_backward (db)");
  }
  finish("sparse_dense_backward");
}

}  // namespace lth::cuda
