// Sparse fully connected layer on the CPU: the masked dense layer computed only at the mask's nonzeros, from the
// mask's structure (CSR + CSC, built once per mask) and the values in the dense W.
//
// Fast path: everything runs transposed, so each inner loop is a contiguous sweep over the batch:
//   forward  yᵀ[Out,B]  = (W⊙M)·xᵀ   CSR SpMM (csr_spmm's register tiles) with bias + ReLU fused;
//   dx       dxᵀ[In,B]  = (W⊙M)ᵀ·dyᵀ  the same SpMM over the CSC;
//   dW       dW[o,i]    = dyᵀ[o,:]·xᵀ[i,:] at the nonzeros only (SDDMM: dot products of contiguous rows);
//   db       db[o]      = Σ dyᵀ[o,:].
// x, dy are transposed once per call, y and dx back once; the SpMM values are gathered from W once per call
// (nnz loads). Threads: csr_spmm's own split; the SDDMM splits rows by cost.
#include <algorithm>
#include <memory>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"
#include "sparse_structure.h"

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

// An uninitialised float buffer (every element is written before it is read).
std::unique_ptr<float[]> buffer(int64_t n) { return std::unique_ptr<float[]>(new float[std::max<int64_t>(n, 1)]); }

// dst[c, r] = src[r, c] for src [rows, cols]: 16×16 blocks, split over threads by column blocks.
void transpose(int64_t rows, int64_t cols, const float* src, float* dst) {
  constexpr int64_t kBlock = 16;
  const int64_t col_blocks = (cols + kBlock - 1) / kBlock;
  parallel_for(col_blocks, std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(rows * kBlock, 1)),
               [&](int64_t b0, int64_t b1) {
                 for (int64_t r0 = 0; r0 < rows; r0 += kBlock)
                   for (int64_t cb = b0; cb < b1; ++cb) {
                     const int64_t c0 = cb * kBlock, c1 = std::min(cols, c0 + kBlock), r1 = std::min(rows, r0 + kBlock);
                     for (int64_t c = c0; c < c1; ++c)
                       for (int64_t r = r0; r < r1; ++r) dst[c * rows + r] = src[r * cols + c];
                   }
               });
}

// Σ_j a[j]·b[j] in 16 lanes (a fixed order for any ISA the clone runs).
LTH_CLONES("avx512f", "avx2,fma", "default")
float dot(int64_t n, const float* __restrict a, const float* __restrict b) {
  float lane[16] = {};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int k = 0; k < 16; ++k) lane[k] += a[j + k] * b[j + k];
  for (int k = 0; j + k < n; ++k) lane[k] += a[j + k] * b[j + k];
  float s = 0.0f;
  for (int k = 0; k < 16; ++k) s += lane[k];
  return s;
}

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

// vals[p] = W at entry p of a compressed structure (rows of `major` over `minor`): the CSR (W[r, idx]) or,
// transposed, the CSC (W[idx, r]).
void gather_values(int64_t major, const int32_t* ptr, const int32_t* idx, const float* W, int64_t ld_major,
                   int64_t ld_minor, float* vals) {
  for_rows_by_cost(ptr, major, ptr[major], [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t p = ptr[r]; p < ptr[r + 1]; ++p) vals[p] = W[r * ld_major + idx[p] * ld_minor];
  });
}

void sparse_dense_forward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* bias,
                          bool relu, float* y) {
  check_structure_csr(s, "sparse_dense_forward");
  if (B == 0 || s.out == 0) return;
  auto vals = buffer(s.nnz), xt = buffer(s.in * B), yt = buffer(s.out * B);
  gather_values(s.out, s.rowptr, s.colidx, W, s.in, 1, vals.get());
  transpose(B, s.in, x, xt.get());
  csr_spmm(CsrView{s.out, s.in, s.nnz, s.rowptr, s.colidx, vals.get()}, B, xt.get(), bias, relu, yt.get());
  transpose(s.out, B, yt.get(), y);
}

void sparse_dense_backward(int64_t B, const SparseStructureView& s, const float* x, const float* W, const float* dy,
                           float* dx, float* dW, float* db) {
  if (dx) check_structure_csc(s, "sparse_dense_backward (transposed structure)");
  if (dW) check_structure_csr(s, "sparse_dense_backward");
  if (B == 0) {  // empty sums
    if (dW)
      for (int64_t o = 0; o < s.out; ++o)
        for (int64_t p = s.rowptr[o]; p < s.rowptr[o + 1]; ++p) dW[o * s.in + s.colidx[p]] = 0.0f;
    if (db) std::fill(db, db + s.out, 0.0f);
    return;
  }
  auto dyt = buffer(s.out * B);
  transpose(B, s.out, dy, dyt.get());
  if (dx) {
    auto vals = buffer(s.nnz), dxt = buffer(s.in * B);
    gather_values(s.in, s.colptr, s.rowidx, W, 1, s.in, vals.get());
    csr_spmm(CsrView{s.in, s.out, s.nnz, s.colptr, s.rowidx, vals.get()}, B, dyt.get(), nullptr, false, dxt.get());
    transpose(s.in, B, dxt.get(), dx);
  }
  if (dW && s.nnz > 0) {
    auto xt = buffer(s.in * B);
    transpose(B, s.in, x, xt.get());
    for_rows_by_cost(s.rowptr, s.out, s.nnz * B, [&](int64_t r0, int64_t r1) {
      for (int64_t o = r0; o < r1; ++o) {
        const float* g = dyt.get() + o * B;
        for (int64_t p = s.rowptr[o]; p < s.rowptr[o + 1]; ++p)
          dW[o * s.in + s.colidx[p]] = dot(B, g, xt.get() + static_cast<int64_t>(s.colidx[p]) * B);
      }
    });
  }
  if (db)
    for (int64_t o = 0; o < s.out; ++o) {
      float acc = 0.0f;
      for (int64_t b = 0; b < B; ++b) acc += dyt[o * B + b];
      db[o] = acc;
    }
}

}  // namespace lth::cpu
