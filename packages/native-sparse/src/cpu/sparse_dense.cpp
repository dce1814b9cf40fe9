// Sparse fully connected layer on the CPU: the masked dense layer computed only at the mask's nonzeros, from the
// mask's structure (CSR + CSC, built once per mask) and the values in the dense W.
//
// Fast path: everything runs transposed, so each inner loop is a contiguous sweep over the batch:
//   forward  yᵀ[Out,B]  = (W⊙M)·xᵀ   CSR SpMM (spmm_padded.h) with bias + ReLU fused;
//   dx       dxᵀ[In,B]  = (W⊙M)ᵀ·dyᵀ  the same SpMM over the CSC;
//   dW       dW[o,i]    = dyᵀ[o,:]·xᵀ[i,:] at the nonzeros only (SDDMM: dot products of contiguous rows);
//   db       db[o]      = Σ dyᵀ[o,:].
// x, dy are transposed once per call (batch padded to a multiple of 16, transpose_padded.h), y and dx back once;
// the SpMM reads its values straight from W. Threads: rows split by cost (nonzeros + 1 per row).
#include <algorithm>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "sddmm.h"
#include "simd.h"
#include "sparse_structure.h"
#include "spmm_padded.h"
#include "transpose_padded.h"

namespace lth::cpu {

namespace ref {
void sparse_dense_structure(int64_t Out, int64_t In, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                            int32_t* colptr, int32_t* rowidx, int32_t* positions) {
  int32_t nnz = 0;
  std::vector<int32_t> count(In + 1, 0);
  for (int64_t o = 0; o < Out; ++o) {
    rowptr[o] = nnz;
    for (int64_t i = 0; i < In; ++i)
      if (mask[o * In + i]) {
        colidx[nnz] = static_cast<int32_t>(i);
        positions[nnz] = static_cast<int32_t>(o * In + i);
        ++count[i + 1];
        ++nnz;
      }
  }
  rowptr[Out] = nnz;
  for (int64_t i = 0; i < In; ++i) count[i + 1] += count[i];
  std::copy(count.begin(), count.end(), colptr);
  // Rows visited in ascending order, so each column's rows come out ascending.
  for (int64_t o = 0; o < Out; ++o)
    for (int64_t p = rowptr[o]; p < rowptr[o + 1]; ++p) rowidx[count[colidx[p]]++] = static_cast<int32_t>(o);
}

void sparse_dense_forward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* bias,
                          bool relu, float* y) {
  check_structure_csr(s, "sparse_dense_forward");
  for (int64_t b = 0; b < B; ++b)
    for (int64_t o = 0; o < s.out; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t p = s.rowptr[o]; p < s.rowptr[o + 1]; ++p)
        acc += static_cast<double>(x[b * s.in + s.colidx[p]]) * W[o * s.in + s.colidx[p]];
      float v = static_cast<float>(acc);
      y[b * s.out + o] = relu ? std::max(v, 0.0f) : v;
    }
}

void sparse_dense_backward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* dy,
                           float* dx, float* dW, float* db) {
  if (dx) check_structure_csc(s, "sparse_dense_backward (transposed structure)");
  if (dW) check_structure_csr(s, "sparse_dense_backward");
  if (dx)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < s.in; ++i) {
        double acc = 0;
        for (int64_t p = s.colptr[i]; p < s.colptr[i + 1]; ++p)
          acc += static_cast<double>(dy[b * s.out + s.rowidx[p]]) * W[s.rowidx[p] * s.in + i];
        dx[b * s.in + i] = static_cast<float>(acc);
      }
  if (dW)
    for (int64_t o = 0; o < s.out; ++o)
      for (int64_t p = s.rowptr[o]; p < s.rowptr[o + 1]; ++p) {
        const int64_t i = s.colidx[p];
        double acc = 0;
        for (int64_t b = 0; b < B; ++b) acc += static_cast<double>(dy[b * s.out + o]) * x[b * s.in + i];
        dW[o * s.in + i] = static_cast<float>(acc);
      }
  if (db)
    for (int64_t o = 0; o < s.out; ++o) {
      double acc = 0;
      for (int64_t b = 0; b < B; ++b) acc += dy[b * s.out + o];
      db[o] = static_cast<float>(acc);
    }
}
}  // namespace ref

namespace {

// Per-thread scratch that keeps its memory between calls: a training step calls these ops thousands of times with
// the same sizes, and fresh large allocations come back from the OS as new pages (mmap), paid again every call.
// Slot k of the calling thread, at least n floats; contents undefined (every element is written before it is read).
float* scratch(int k, int64_t n) {
  thread_local std::vector<float> slots[4];
  std::vector<float>& v = slots[k];
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
  return v.data();
}

// The batch axis of the transposed operands is padded to a multiple of 16 floats with zeros: every row then
// starts 64-byte aligned and the SIMD kernels need no tail (zero products add nothing).
int64_t padded(int64_t B) { return (B + 15) / 16 * 16; }

// First row of chunk t of `chunks` with about equal cost ptr[r] + r.
int64_t split_by_cost(const int32_t* ptr, int64_t rows, int64_t t, int64_t chunks) {
  if (t <= 0) return 0;
  if (t >= chunks) return rows;
  const int64_t target = (ptr[rows] + rows) * t / chunks;
  int64_t lo = 0, hi = rows;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (ptr[mid] + mid >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Over the rows of a compressed structure in chunks of about equal cost: f(r0, r1).
template <typename F>
void for_rows_by_cost(const int32_t* ptr, int64_t rows, int64_t work, F&& f) {
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(num_threads(), work / 8192 + 1));
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) f(split_by_cost(ptr, rows, c, chunks), split_by_cost(ptr, rows, c + 1, chunks));
  });
}

}  // namespace

void sparse_dense_structure(int64_t Out, int64_t In, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                            int32_t* colptr, int32_t* rowidx, int32_t* positions) {
  // Once per mask (per IMP level): the plain loops are fast enough.
  ref::sparse_dense_structure(Out, In, mask, rowptr, colidx, colptr, rowidx, positions);
}

void sparse_dense_forward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* bias,
                          bool relu, float* y) {
  if (B == 0 || s.out == 0) return check_structure_csr(s, "sparse_dense_forward");
  const int64_t ld = padded(B);
  const char* op = "sparse_dense_forward";
  check_csr_rowptr(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, nullptr}, op);
  float *xt = scratch(1, s.in * ld), *yt = scratch(2, s.out * ld);
  transpose_to_padded(B, s.in, x, xt, ld);
  for_rows_by_cost(s.rowptr, s.out, s.nnz * (ld / 16), [&](int64_t r0, int64_t r1) {
    spmm_padded_rows(r0, r1, s.in, s.rowptr, s.colidx, W, s.in, 1, xt, ld, bias, relu, yt, op);
  });
  transpose_from_padded(B, s.out, yt, ld, y);
}

void sparse_dense_backward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* dy,
                           float* dx, float* dW, float* db) {
  const char* csc_op = "sparse_dense_backward (transposed structure)";
  if (dx && B == 0) check_structure_csc(s, csc_op);  // else checked by the SpMM below
  if (dW) check_structure_csr(s, "sparse_dense_backward");
  if (B == 0) {  // empty sums
    if (dW)
      for (int64_t o = 0; o < s.out; ++o)
        for (int64_t p = s.rowptr[o]; p < s.rowptr[o + 1]; ++p) dW[o * s.in + s.colidx[p]] = 0.0f;
    if (db) std::fill(db, db + s.out, 0.0f);
    return;
  }
  const int64_t ld = padded(B);
  float* dyt = scratch(0, s.out * ld);
  transpose_to_padded(B, s.out, dy, dyt, ld);
  if (dx) {
    float* dxt = scratch(2, s.in * ld);
    check_csr_rowptr(CsrView{s.in, s.out, s.nnz, s.colptr, s.rowidx, nullptr}, csc_op);
    for_rows_by_cost(s.colptr, s.in, s.nnz * (ld / 16), [&](int64_t r0, int64_t r1) {
      spmm_padded_rows(r0, r1, s.out, s.colptr, s.rowidx, W, 1, s.in, dyt, ld, nullptr, false, dxt, csc_op);
    });
    transpose_from_padded(B, s.in, dxt, ld, dx);
  }
  if (dW && s.nnz > 0) {
    float* xt = scratch(3, s.in * ld);
    transpose_to_padded(B, s.in, x, xt, ld);
    for_rows_by_cost(s.rowptr, s.out, s.nnz * (ld / 16),
                     [&](int64_t r0, int64_t r1) { sddmm_rows(r0, r1, s.rowptr, s.colidx, dyt, xt, ld, dW, s.in); });
  }
  if (db)
    for (int64_t o = 0; o < s.out; ++o) {
      float acc = 0.0f;
      for (int64_t b = 0; b < B; ++b) acc += dyt[o * ld + b];
      db[o] = acc;
    }
}

}  // namespace lth::cpu
