// Sparse fully connected layer on the GPU (definition: src/cpu/sparse_dense.cpp, namespace ref). As on the CPU,
// the products run transposed so that the batch is the contiguous axis:
//
// sparse_dense_structure  the mask is copied to the host, the structure built by the CPU loops (the definition)
//                         and uploaded: once per mask (an IMP level), so the copies do not matter.
// sparse_dense_forward    yᵀ = (W⊙M)·xᵀ by csr_spmm (csr_spmm.cu: Sputnik-style row-sorted SpMM, bias + ReLU
//                         fused) on the values gathered from W at the CSR entries; x transposed in, y back.
// sparse_dense_backward   dxᵀ = (W⊙M)ᵀ·dyᵀ by csr_spmm over the CSC; dW: one thread per nonzero, the dot product
//                         of the contiguous rows dyᵀ[o,:] and xᵀ[i,:] (SDDMM), written only at the nonzeros; db: one
//                         thread per output summing dyᵀ[o,:].
// The CSR (and for dx the CSC) is validated on the device first with csr_spmm's checks and messages (csr_spmm
// then checks its operand again: one more small copy per product).
#include <vector>

#include "common.cuh"
#include "csr_common.cuh"

namespace lth::cuda {

namespace {

// vals[p] = W at entry p of a compressed structure: the CSR (W[r, idx]: ld_major In, ld_minor 1) or the CSC
// (W[idx, r]: ld_major 1, ld_minor In). One thread per major row.
__global__ void __launch_bounds__(kThreads)
    gather_kernel(int64_t major, const int32_t* __restrict__ ptr, const int32_t* __restrict__ idx,
                  const float* __restrict__ W, int64_t ld_major, int64_t ld_minor, float* __restrict__ vals) {
  LTH_CUDA_FOR(r, major) {
    for (int32_t p = ptr[r]; p < ptr[r + 1]; ++p) vals[p] = W[r * ld_major + static_cast<int64_t>(idx[p]) * ld_minor];
  }
}

// dst[c, r] = src[r, c] for src [rows, cols].
__global__ void __launch_bounds__(kThreads)
    transpose_kernel(int64_t rows, int64_t cols, const float* __restrict__ src, float* __restrict__ dst) {
  LTH_CUDA_FOR(e, rows * cols) {
    const int64_t r = e / cols, c = e % cols;
    dst[c * rows + r] = src[e];
  }
}

// One thread per nonzero p; its row is found by binary search in rowptr (valid by now). dyt [Out,B], xt [In,B].
__global__ void __launch_bounds__(kThreads)
    dw_kernel(int64_t B, int64_t Out, int64_t In, int64_t nnz, const int32_t* __restrict__ rowptr,
              const int32_t* __restrict__ colidx, const float* __restrict__ xt, const float* __restrict__ dyt,
              float* __restrict__ dW) {
  LTH_CUDA_FOR(p, nnz) {
    int64_t lo = 0, hi = Out;  // the last row o with rowptr[o] <= p
    while (hi - lo > 1) {
      const int64_t mid = (lo + hi) / 2;
      if (rowptr[mid] <= p) lo = mid;
      else hi = mid;
    }
    const int64_t o = lo, i = colidx[p];
    const float* g = dyt + o * B;
    const float* a = xt + i * B;
    float acc = 0.0f;
    for (int64_t b = 0; b < B; ++b) acc = fmaf(g[b], a[b], acc);
    dW[o * In + i] = acc;
  }
}

__global__ void __launch_bounds__(kThreads)
    db_kernel(int64_t B, int64_t Out, const float* __restrict__ dyt, float* __restrict__ db) {
  LTH_CUDA_FOR(o, Out) {
    float acc = 0.0f;
    for (int64_t b = 0; b < B; ++b) acc += dyt[o * B + b];
    db[o] = acc;
  }
}

void gather(int64_t major, const int32_t* ptr, const int32_t* idx, const float* W, int64_t ld_major, int64_t ld_minor,
            float* vals) {
  if (major <= 0) return;
  gather_kernel<<<grid_for(major, kThreads), kThreads, 0, stream()>>>(major, ptr, idx, W, ld_major, ld_minor, vals);
  check_launch("sparse_dense gather");
}

void transpose(int64_t rows, int64_t cols, const float* src, float* dst) {
  if (rows * cols <= 0) return;
  transpose_kernel<<<grid_for(rows * cols, kThreads), kThreads, 0, stream()>>>(rows, cols, src, dst);
  check_launch("sparse_dense transpose");
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
  Scratch vals(s.nnz * sizeof(float)), xt(s.in * B * sizeof(float)), yt(s.out * B * sizeof(float));
  gather(s.out, s.rowptr, s.colidx, W, s.in, 1, vals.as<float>());
  transpose(B, s.in, x, xt.as<float>());
  csr_spmm(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, vals.as<float>()}, B, xt.as<float>(), bias, relu,
           yt.as<float>());
  transpose(s.out, B, yt.as<float>(), y);
  finish("sparse_dense_forward");
}

void sparse_dense_backward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* dy,
                           float* dx, float* dW, float* db) {
  if (dx)
    validate_csr(CsrView{s.in, s.out, s.nnz, s.colptr, s.rowidx, nullptr},
                 "sparse_dense_backward (transposed structure)");
  if (dW) validate_csr(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, nullptr}, "sparse_dense_backward");
  Scratch dyt(s.out * B * sizeof(float)), xt((dW ? s.in * B : 0) * sizeof(float));
  transpose(B, s.out, dy, dyt.as<float>());
  if (dx && B * s.in > 0) {
    Scratch vals(s.nnz * sizeof(float)), dxt(s.in * B * sizeof(float));
    gather(s.in, s.colptr, s.rowidx, W, 1, s.in, vals.as<float>());
    csr_spmm(CsrView{s.in, s.out, s.nnz, s.colptr, s.rowidx, vals.as<float>()}, B, dyt.as<float>(), nullptr, false,
             dxt.as<float>());
    transpose(s.in, B, dxt.as<float>(), dx);
  }
  if (dW && s.nnz > 0) {
    transpose(B, s.in, x, xt.as<float>());
    dw_kernel<<<grid_for(s.nnz, kThreads), kThreads, 0, stream()>>>(B, s.out, s.in, s.nnz, s.rowptr, s.colidx,
                                                                    xt.as<float>(), dyt.as<float>(), dW);
    check_launch("sparse_dense_backward (dW)");
  }
  if (db && s.out > 0) {
    db_kernel<<<grid_for(s.out, kThreads), kThreads, 0, stream()>>>(B, s.out, dyt.as<float>(), db);
    check_launch("sparse_dense_backward (db)");
  }
  finish("sparse_dense_backward");
}

}  // namespace lth::cuda
