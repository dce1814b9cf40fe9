// Row gather on CUDA: out[k,:] = table[index[k],:] (4-byte words), the batch fetch for datasets kept on
// the device. Definition: src/cpu/gather_rows.cpp (namespace ref).
// One thread per output word; rows are contiguous, so consecutive threads read and write consecutive
// words of a row (coalesced). An index outside [0, rows) is flagged and its row skipped; the op then
// throws ERR_ARG like the CPU, naming the first bad index as the CPU does (found on the host: error path
// only); here the valid rows may already be written. Indices are checked even when rows have no words
// (width 0, e.g. an empty table), as on the CPU.
#include <cstdint>
#include <vector>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void gather_rows_kernel(int64_t n, int64_t width, int64_t rows, const uint32_t* table, const int32_t* index,
                                   uint32_t* out, int* bad) {
  const int64_t w = width > 0 ? width : 1;  // width 0: one item per index, checked only
  LTH_CUDA_FOR(i, n * w) {
    const int64_t k = i / w, j = i - k * w;
    const int32_t r = index[k];
    if (r < 0 || r >= rows) {
      *bad = 1;  // benign race: every writer stores 1
      continue;
    }
    if (width > 0) out[i] = table[static_cast<int64_t>(r) * width + j];
  }
}

}  // namespace

void gather_rows(int64_t n, int64_t width, int64_t rows, const uint32_t* table, const int32_t* index, uint32_t* out) {
  if (n == 0) return;
  Scratch flag(sizeof(int));
  check(cudaMemsetAsync(flag.as<int>(), 0, sizeof(int), stream()), "cudaMemsetAsync (gather flag)");
  gather_rows_kernel<<<grid_for(n * (width > 0 ? width : 1), kThreads), kThreads, 0, stream()>>>(
      n, width, rows, table, index, out, flag.as<int>());
  check_launch("gather_rows");
  int bad = 0;
  copy_to_host(&bad, flag.as<int>(), sizeof(int));  // waits for the stream
  if (!bad) return;
  std::vector<int32_t> idx(static_cast<size_t>(n));
  copy_to_host(idx.data(), index, idx.size() * sizeof(int32_t));
  for (int64_t k = 0; k < n; ++k)
    LTH_CHECK(idx[k] >= 0 && idx[k] < rows, code::kArg, "gather_rows: index[", k, "] = ", idx[k],
              " is outside the table's ", rows, " rows");
  fail(code::kCuda, "gather_rows: the kernel flagged an index the host finds in range");
}

}  // namespace lth::cuda
