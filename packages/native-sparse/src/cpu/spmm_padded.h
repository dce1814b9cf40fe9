// Sparse × dense products of the sparse fully connected layer (sparse_dense.cpp) on padded operands, with the
// sparse values read straight from the dense weight (no gathered copy):
//   out[r·ld + k] = bias[r] + Σ_p W[r·ld_major + idx[p]·ld_minor] · in[idx[p]·ld + k]   (then ReLU), k < ld,
// over the compressed rows r in [r0, r1) (the CSR with ld_major = In, ld_minor = 1; the CSC with 1, In). ld is a
// multiple of 16 (the padded batch). Indices are checked as they are used (ERR_ARG naming `op`); the pointers
// must be checked before (check_csr_rowptr). One explicit kernel per SIMD path (simd.h).
#pragma once
#include <cstdint>

namespace lth::cpu {

void spmm_padded_rows(int64_t r0, int64_t r1, int64_t minor, const int32_t* ptr, const int32_t* idx, const float* W,
                      int64_t ld_major, int64_t ld_minor, const float* in, int64_t ld, const float* bias, bool relu,
                      float* out, const char* op);

}  // namespace lth::cpu
