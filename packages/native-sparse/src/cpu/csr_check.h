// Cheap structural checks of a user-supplied CSR matrix, shared by the CPU CSR kernels (fast and ref):
// memory safety depends on them, so they run in C++ even though lib/ops/sparse.ts validates first.
#pragma once
#include "../kernels.h"

namespace lth::cpu {

// rowptr[0] == 0, rowptr[rows] == nnz, rowptr non-decreasing: O(rows). Throws ERR_ARG.
inline void check_csr_rowptr(const CsrView& A, const char* op) {
  LTH_CHECK(A.rows >= 0 && A.cols >= 0 && A.nnz >= 0, code::kArg, op, ": negative CSR dimensions");
  LTH_CHECK(A.rowptr[0] == 0, code::kArg, op, ": CSR rowptr[0] must be 0, got ", A.rowptr[0]);
  LTH_CHECK(A.rowptr[A.rows] == A.nnz, code::kArg, op, ": CSR rowptr[rows] = ", A.rowptr[A.rows], " must equal nnz ",
            A.nnz);
  for (int64_t i = 0; i < A.rows; ++i) {
    if (A.rowptr[i + 1] < A.rowptr[i]) fail(code::kArg, op, ": CSR rowptr decreases at row ", i);
  }
}

[[noreturn]] inline void bad_csr_column(const char* op, int64_t row, int32_t col, int64_t cols) {
  fail(code::kArg, op, ": CSR column index ", col, " in row ", row, " is outside [0, ", cols, ")");
}

inline bool column_ok(int32_t c, int64_t cols) { return c >= 0 && c < cols; }

}  // namespace lth::cpu
