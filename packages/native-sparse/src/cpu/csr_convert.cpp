// Dense ⇄ CSR conversion on the CPU. The structure is mask != 0 when a mask is given (explicit zeros in W
// are then stored), else W != 0 (-0.0 counts as zero, NaN as nonzero). Column indices ascend within a row.
// The fast path is parallel over rows: count per row, prefix sum into rowptr, fill.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"
#include "csr_check.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
int64_t dense_nnz(int64_t rows, int64_t cols, const float* W, const uint8_t* mask) {
  int64_t nnz = 0;
  for (int64_t i = 0; i < rows * cols; ++i) nnz += mask ? mask[i] != 0 : W[i] != 0.0f;
  return nnz;
}

void dense_to_csr(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                  float* values) {
  int64_t k = 0;
  rowptr[0] = 0;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      float w = W[i * cols + j];
      if (mask ? mask[i * cols + j] != 0 : w != 0.0f) {
        colidx[k] = static_cast<int32_t>(j);
        values[k] = w;
        ++k;
      }
    }
    rowptr[i + 1] = static_cast<int32_t>(k);
  }
}

void csr_to_dense(const CsrView& A, float* W) {
  check_csr_rowptr(A, "csr_to_dense");
  std::fill(W, W + A.rows * A.cols, 0.0f);
  for (int64_t i = 0; i < A.rows; ++i) {
    for (int64_t p = A.rowptr[i]; p < A.rowptr[i + 1]; ++p) {
      int32_t c = A.colidx[p];
      if (!column_ok(c, A.cols)) bad_csr_column("csr_to_dense", i, c, A.cols);
      W[i * A.cols + c] = A.values[p];
    }
  }
}
}  // namespace ref

namespace {

LTH_CLONES("avx512f", "avx2", "default") int64_t count_row(int64_t cols, const float* w, const uint8_t* m) {
  int64_t n = 0;
  if (m) {
    for (int64_t j = 0; j < cols; ++j) n += m[j] != 0;
  } else {
    for (int64_t j = 0; j < cols; ++j) n += w[j] != 0.0f;
  }
  return n;
}

// Branchless compaction of one row into scratch (which has room for `cols` entries).
LTH_CLONES("avx512f", "avx2", "default")
int64_t compact_row(int64_t cols, const float* w, const uint8_t* m, int32_t* ci, float* vals) {
  int64_t k = 0;
  for (int64_t j = 0; j < cols; ++j) {
    ci[k] = static_cast<int32_t>(j);
    vals[k] = w[j];
    k += m ? m[j] != 0 : w[j] != 0.0f;
  }
  return k;
}

int64_t rows_grain(int64_t cols) { return std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(cols, 1)); }

}  // namespace

int64_t dense_nnz(int64_t rows, int64_t cols, const float* W, const uint8_t* mask) {
  const int64_t chunks = std::max(1, num_threads());
  std::vector<int64_t> partial(static_cast<size_t>(chunks), 0);
  const int64_t n = rows * cols;
  // Chunk c of at most `chunks` equal pieces of the flat range: the sum does not depend on the split.
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
      partial[c] = count_row(e - b, W ? W + b : nullptr, mask ? mask + b : nullptr);
    }
  });
  int64_t total = 0;
  for (int64_t v : partial) total += v;
  return total;
}

void dense_to_csr(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                  float* values) {
  rowptr[0] = 0;
  const int64_t grain = rows_grain(cols);
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i)
      rowptr[i + 1] = static_cast<int32_t>(count_row(cols, W + i * cols, mask ? mask + i * cols : nullptr));
  });
  int64_t acc = 0;
  for (int64_t i = 0; i < rows; ++i) {
    acc += rowptr[i + 1];
    LTH_CHECK(acc <= INT32_MAX, code::kArg, "dense_to_csr: more than 2^31-1 nonzeros");
    rowptr[i + 1] = static_cast<int32_t>(acc);
  }
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    std::vector<int32_t> ci(static_cast<size_t>(cols));
    std::vector<float> vals(static_cast<size_t>(cols));
    for (int64_t i = r0; i < r1; ++i) {
      int64_t k = compact_row(cols, W + i * cols, mask ? mask + i * cols : nullptr, ci.data(), vals.data());
      std::memcpy(colidx + rowptr[i], ci.data(), static_cast<size_t>(k) * sizeof(int32_t));
      std::memcpy(values + rowptr[i], vals.data(), static_cast<size_t>(k) * sizeof(float));
    }
  });
}

void csr_to_dense(const CsrView& A, float* W) {
  check_csr_rowptr(A, "csr_to_dense");
  parallel_for(A.rows, rows_grain(A.cols), [&](int64_t r0, int64_t r1) {
    std::fill(W + r0 * A.cols, W + r1 * A.cols, 0.0f);
    for (int64_t i = r0; i < r1; ++i) {
      float* row = W + i * A.cols;
      for (int64_t p = A.rowptr[i]; p < A.rowptr[i + 1]; ++p) {
        int32_t c = A.colidx[p];
        if (!column_ok(c, A.cols)) bad_csr_column("csr_to_dense", i, c, A.cols);
        row[c] = A.values[p];
      }
    }
  });
}

}  // namespace lth::cpu
