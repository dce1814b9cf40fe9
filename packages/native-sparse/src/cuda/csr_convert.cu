// Dense ⇄ CSR on the GPU: dense_nnz, dense_to_csr, csr_to_dense. Output structure and values are
// bit-identical to the CPU's (src/cpu/csr_convert.cpp).
//
// Structure of a dense matrix: mask != 0 when a mask is given (explicit zeros in W are then stored), else
// W != 0 (-0.0 counts as zero, NaN as nonzero).
//
// dense_nnz     grid-stride count (float4 loads of W when aligned; with a mask, mask_count.cuh).
// dense_to_csr  one warp per row: per-row counts (warp reduction) → CUB inclusive scan over [rows + 1]
//               (64-bit, checked against 2^31 − 1 like the CPU) → rowptr; then each warp compacts its row
//               32 columns at a time with a ballot, so column indices ascend within a row.
// csr_to_dense  W zeroed with a memset, then one warp per row scatters its nonzeros.
//
// The CSR ops that read a user-supplied CSR validate it first on the device (rowptr[0] == 0,
// rowptr[rows] == nnz, rowptr non-decreasing, columns in [0, cols)) and throw ERR_ARG with the CPU's
// messages; after that every access is in bounds.
#include <cub/cub.cuh>

#include <algorithm>
#include <climits>
#include <vector>

#include "common.cuh"
#include "csr_common.cuh"
#include "mask_count.cuh"

namespace lth::cuda {

namespace {

// ---- counting ------------------------------------------------------------------------------------------

// *total += number of W entries != 0 (-0 is zero, NaN nonzero). vec: W 16-byte aligned.
__global__ void __launch_bounds__(kThreads)
    count_w_kernel(int64_t n, const float* W, bool vec, unsigned long long* total) {
  using Reduce = cub::BlockReduce<long long, kThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  long long k = 0;
  int64_t done = 0;
  if (vec) {
    const int64_t n4 = n / 4;
    const float4* v = reinterpret_cast<const float4*>(W);
    LTH_CUDA_FOR(i, n4) {
      const float4 q = v[i];
      k += (q.x != 0.0f) + (q.y != 0.0f) + (q.z != 0.0f) + (q.w != 0.0f);
    }
    done = n4 * 4;
  }
  for (int64_t i = done + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)
    k += W[i] != 0.0f;
  const long long sum = Reduce(tmp).Sum(k);
  if (threadIdx.x == 0 && sum) atomicAdd(total, static_cast<unsigned long long>(sum));
}

// counts[row + 1] = structural nonzeros of the row (counts[0] is left as zeroed). One warp per row.
__global__ void __launch_bounds__(kThreads)
    row_count_kernel(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, long long* counts) {
  const int lane = threadIdx.x & 31;
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {  // warp-uniform
    long long k = 0;
    if (mask) {
      const uint8_t* m = mask + row * cols;
      for (int64_t j = lane; j < cols; j += 32) k += m[j] != 0;
    } else {
      const float* w = W + row * cols;
      for (int64_t j = lane; j < cols; j += 32) k += w[j] != 0.0f;
    }
    for (int off = 16; off > 0; off >>= 1) k += __shfl_xor_sync(kFull, k, off);
    if (lane == 0) counts[row + 1] = k;
  }
}

// rowptr[i] = offsets[i] for i <= rows; row i's entries go to [offsets[i], offsets[i+1]) in column order.
// One warp per row, 32 columns per step: a ballot of the kept lanes gives each its slot.
__global__ void __launch_bounds__(kThreads)
    fill_csr_kernel(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, const long long* offsets,
                    int32_t* rowptr, int32_t* colidx, float* values) {
  const int lane = threadIdx.x & 31;
  if (blockIdx.x == 0 && threadIdx.x == 0) rowptr[rows] = static_cast<int32_t>(offsets[rows]);
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {  // warp-uniform
    int64_t base = offsets[row];
    if (lane == 0) rowptr[row] = static_cast<int32_t>(base);
    const float* w = W + row * cols;
    const uint8_t* m = mask ? mask + row * cols : nullptr;
    for (int64_t j0 = 0; j0 < cols; j0 += 32) {  // warp-uniform
      const int64_t j = j0 + lane;
      const bool in = j < cols;
      const float v = in ? w[j] : 0.0f;
      const bool keep = in && (m ? m[j] != 0 : v != 0.0f);
      const unsigned ballot = __ballot_sync(kFull, keep);
      if (keep) {
        const int64_t pos = base + __popc(ballot & ((1u << lane) - 1u));
        colidx[pos] = static_cast<int32_t>(j);
        values[pos] = v;
      }
      base += __popc(ballot);
    }
  }
}

// W[row, colidx[p]] = values[p]; W already zeroed. One warp per row.
__global__ void __launch_bounds__(kThreads) scatter_csr_kernel(int64_t rows, int64_t cols, const int32_t* rowptr,
                                                               const int32_t* colidx, const float* values, float* W) {
  const int lane = threadIdx.x & 31;
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {
    const int64_t p1 = rowptr[row + 1];
    float* w = W + row * cols;
    for (int64_t p = rowptr[row] + lane; p < p1; p += 32) w[colidx[p]] = values[p];
  }
}

}  // namespace

int64_t dense_nnz(int64_t rows, int64_t cols, const float* W, const uint8_t* mask) {
  const int64_t n = rows * cols;
  if (n <= 0) return 0;
  if (mask) return mask_count(n, mask, "dense_nnz");
  const bool vec = aligned16(W);
  Scratch total_buf(sizeof(unsigned long long));
  unsigned long long* total = total_buf.as<unsigned long long>();
  check(cudaMemsetAsync(total, 0, sizeof *total, stream()), "cudaMemsetAsync (dense_nnz)");
  count_w_kernel<<<grid_for(vec ? n / 4 + 1 : n, kThreads, 4096), kThreads, 0, stream()>>>(n, W, vec, total);
  check_launch("dense_nnz count_w_kernel");
  unsigned long long k = 0;
  copy_to_host(&k, total, sizeof k);  // waits
  finish("dense_nnz");
  return static_cast<int64_t>(k);
}

void dense_to_csr(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                  float* values) {
  if (rows <= 0) {
    check(cudaMemsetAsync(rowptr, 0, sizeof(int32_t), stream()), "cudaMemsetAsync (dense_to_csr rowptr)");
    finish("dense_to_csr");
    return;
  }
  const size_t n1 = static_cast<size_t>(rows) + 1;
  Scratch counts_buf(n1 * sizeof(long long)), offsets_buf(n1 * sizeof(long long));
  long long* counts = counts_buf.as<long long>();
  long long* offsets = offsets_buf.as<long long>();
  check(cudaMemsetAsync(counts, 0, n1 * sizeof(long long), stream()), "cudaMemsetAsync (dense_to_csr counts)");
  const unsigned row_grid = grid_for(rows, kWarps);  // one warp per row
  row_count_kernel<<<row_grid, kThreads, 0, stream()>>>(rows, cols, W, mask, counts);
  check_launch("dense_to_csr row_count_kernel");
  // offsets[i] = Σ counts[0..i] = nonzeros of rows < i (counts[0] = 0).
  size_t temp_bytes = 0;
  check(cub::DeviceScan::InclusiveSum(nullptr, temp_bytes, counts, offsets, static_cast<int64_t>(n1), stream()),
        "cub::DeviceScan::InclusiveSum (size)");
  {
    Scratch temp(temp_bytes);
    check(
        cub::DeviceScan::InclusiveSum(temp.as<void>(), temp_bytes, counts, offsets, static_cast<int64_t>(n1), stream()),
        "cub::DeviceScan::InclusiveSum");
  }
  long long total = 0;
  copy_to_host(&total, offsets + rows, sizeof total);  // waits
  LTH_CHECK(total <= INT32_MAX, code::kArg, "dense_to_csr: more than 2^31-1 nonzeros");
  fill_csr_kernel<<<row_grid, kThreads, 0, stream()>>>(rows, cols, W, mask, offsets, rowptr, colidx, values);
  check_launch("dense_to_csr fill_csr_kernel");
  finish("dense_to_csr");
}

void csr_to_dense(const CsrView& A, float* W) {
  validate_csr(A, "csr_to_dense");
  const int64_t n = A.rows * A.cols;
  if (n > 0) {
    check(cudaMemsetAsync(W, 0, static_cast<size_t>(n) * sizeof(float), stream()), "cudaMemsetAsync (csr_to_dense)");
    if (A.nnz > 0) {
      scatter_csr_kernel<<<grid_for(A.rows, kWarps), kThreads, 0, stream()>>>(A.rows, A.cols, A.rowptr, A.colidx,
                                                                              A.values, W);
      check_launch("csr_to_dense scatter_csr_kernel");
    }
  }
  finish("csr_to_dense");
}

}  // namespace lth::cuda
