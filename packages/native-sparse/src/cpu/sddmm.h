// Sampled dense-dense product (SDDMM) on the CPU, the weight gradient of the sparse fully connected layer:
// out[o·ld_out + colidx[p]] = Σ_k a[o·ld + k] · b[colidx[p]·ld + k] for the CSR entries p of rows [r0, r1) only.
// a and b hold their rows `ld` floats apart, ld a multiple of 16, and the reduction runs over all ld columns (pad
// them with zeros). One explicit kernel per SIMD path (simd.h: AVX-512, AVX2, generic); the caller splits rows
// over threads. Indices must be checked before (sparse_structure.h).
#pragma once
#include <cstdint>

namespace lth::cpu {

void sddmm_rows(int64_t r0, int64_t r1, const int32_t* rowptr, const int32_t* colidx, const float* a, const float* b,
                int64_t ld, float* out, int64_t ld_out);

}  // namespace lth::cpu
