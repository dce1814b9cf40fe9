// Transposes between a row-major [rows, cols] matrix and its transpose with rows `ld` floats apart (ld a multiple
// of 16, zero padding in [rows, ld)): the layout the sparse fully connected layer runs its products in (the batch
// contiguous and padded, sparse_dense.cpp). 16×16 register blocks on AVX-512, 8×8 on AVX2, scalar blocks on the
// generic path (simd.h picks); split over threads by blocks.
#pragma once
#include <cstdint>

namespace lth::cpu {

// dst[c·ld + r] = src[r·cols + c] for r < rows, 0 for rows <= r < ld.
void transpose_to_padded(int64_t rows, int64_t cols, const float* src, float* dst, int64_t ld);
// dst[r·cols + c] = src[c·ld + r] for r < rows, c < cols.
void transpose_from_padded(int64_t rows, int64_t cols, const float* src, int64_t ld, float* dst);

}  // namespace lth::cpu
