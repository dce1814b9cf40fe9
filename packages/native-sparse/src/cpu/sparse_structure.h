// Checks of a sparse_dense structure as the kernels read it, shared by the CPU kernels (fast and ref): the
// structure's tensors come from JS, so memory safety depends on these. O(out + in + nnz), once per call.
#pragma once
#include "../kernels.h"
#include "csr_check.h"

namespace lth::cpu {

// The CSR (rowptr/colidx: columns < in) as csr_spmm checks a CSR matrix, with its messages (the CUDA kernels
// give the same ones); the CSC (colptr/rowidx: rows < out) as the CSR of the transpose, named so.
inline void check_structure_csr(const SparseStructureView& s, const char* op) {
  const CsrView a{s.out, s.in, s.nnz, s.rowptr, s.colidx, nullptr};
  check_csr_rowptr(a, op);
  for (int64_t r = 0; r < s.out; ++r)
    for (int64_t p = s.rowptr[r]; p < s.rowptr[r + 1]; ++p)
      if (!column_ok(s.colidx[p], s.in)) bad_csr_column(op, r, s.colidx[p], s.in);
}
inline void check_structure_csc(const SparseStructureView& s, const char* op) {
  const SparseStructureView t{s.in, s.out, s.nnz, s.colptr, s.rowidx, nullptr, nullptr, nullptr};
  check_structure_csr(t, op);
}

// Optimizer positions: strictly ascending (no entry updated twice), each in [0, n). Throws ERR_ARG.
inline void check_positions(int64_t npos, const int32_t* pos, int64_t n, const char* op) {
  for (int64_t k = 0; k < npos; ++k) {
    LTH_CHECK(pos[k] >= 0 && pos[k] < n, code::kArg, op, ": position ", pos[k], " at entry ", k, " is outside [0, ", n,
              ")");
    LTH_CHECK(k == 0 || pos[k] > pos[k - 1], code::kArg, op, ": positions must be strictly ascending (", pos[k - 1],
              " then ", pos[k], " at entry ", k, ")");
  }
}

}  // namespace lth::cpu
