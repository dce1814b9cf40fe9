// Device pieces shared by the CSR kernels (csr_convert.cu, csr_spmm.cu): launch constants, warp ids and the
// validation of a user-supplied CSR matrix.
#pragma once
#include <algorithm>
#include <climits>
#include <vector>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr unsigned kFull = 0xffffffffu;

[[maybe_unused]] bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Global warp id and warp count of a 1-D launch (warp-uniform).
__device__ __forceinline__ int64_t warp_id() {
  return (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
}
__device__ __forceinline__ int64_t warp_count() { return (static_cast<int64_t>(gridDim.x) * blockDim.x) >> 5; }

// ---- CSR validation ------------------------------------------------------------------------------------

struct CsrCheck {
  long long first, last;  // rowptr[0], rowptr[rows]
  long long dec_row;      // first i with rowptr[i+1] < rowptr[i] (LLONG_MAX: none)
  long long bad_pos;      // first p with colidx[p] outside [0, cols) (LLONG_MAX: none)
};

__global__ void __launch_bounds__(kThreads)
    check_csr_kernel(int64_t rows, int64_t cols, int64_t nnz, const int32_t* rowptr, const int32_t* colidx,
                     CsrCheck* res) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    res->first = rowptr[0];
    res->last = rowptr[rows];
  }
  const int64_t n = rows > nnz ? rows : nnz;
  LTH_CUDA_FOR(i, n) {
    if (i < rows && rowptr[i + 1] < rowptr[i]) atomicMin(&res->dec_row, static_cast<long long>(i));
    if (i < nnz) {
      const int32_t c = colidx[i];
      if (c < 0 || c >= cols) atomicMin(&res->bad_pos, static_cast<long long>(i));
    }
  }
}

// Throws ERR_ARG like the CPU's check_csr_rowptr / bad_csr_column (rowptr first, then the first bad column
// in row order).
[[maybe_unused]] void validate_csr(const CsrView& A, const char* op) {
  LTH_CHECK(A.rows >= 0 && A.cols >= 0 && A.nnz >= 0, code::kArg, op, ": negative CSR dimensions");
  const CsrCheck init{0, 0, LLONG_MAX, LLONG_MAX};
  Scratch buf(sizeof(CsrCheck));
  CsrCheck* res = buf.as<CsrCheck>();
  copy_to_device(res, &init, sizeof init);
  check_csr_kernel<<<grid_for(std::max(A.rows, A.nnz), kThreads, 4096), kThreads, 0, stream()>>>(
      A.rows, A.cols, A.nnz, A.rowptr, A.colidx, res);
  check_launch("check_csr_kernel");
  CsrCheck got{};
  copy_to_host(&got, res, sizeof got);  // waits
  LTH_CHECK(got.first == 0, code::kArg, op, ": CSR rowptr[0] must be 0, got ", got.first);
  LTH_CHECK(got.last == A.nnz, code::kArg, op, ": CSR rowptr[rows] = ", got.last, " must equal nnz ", A.nnz);
  if (got.dec_row != LLONG_MAX) fail(code::kArg, op, ": CSR rowptr decreases at row ", got.dec_row);
  if (got.bad_pos != LLONG_MAX) {
    // Error path only: find the row of the bad entry on the host (rowptr is valid by now).
    std::vector<int32_t> rp(static_cast<size_t>(A.rows) + 1);
    copy_to_host(rp.data(), A.rowptr, rp.size() * sizeof(int32_t));
    int32_t col = 0;
    copy_to_host(&col, A.colidx + got.bad_pos, sizeof col);
    const int64_t row = std::upper_bound(rp.begin(), rp.end(), got.bad_pos) - rp.begin() - 1;
    fail(code::kArg, op, ": CSR column index ", col, " in row ", row, " is outside [0, ", A.cols, ")");
  }
}

}  // namespace

}  // namespace lth::cuda
