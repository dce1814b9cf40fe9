// Row gather on CUDA: out[k,:] = table[index[k],:] (4-byte words), the batch fetch for datasets kept on
// the device. Definition: src/cpu/gather_rows.cpp (namespace ref).
// One thread per output word; rows are contiguous, so consecutive threads read and write consecutive
// words of a row (coalesced). An index outside [0, rows) is flagged and its row skipped; the op then
// throws ERR_ARG like the CPU (here the valid rows may already be written).
#include <cstdint>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void gather_rows_kernel(int64_t n, int64_t width, int64_t rows, const uint32_t* table,
                                   const int32_t* index, uint32_t* out, int* bad) {
  LTH_CUDA_FOR(i, n * width) {
    const int64_t k = i / width, j = i - k * width;
    const int32_t r = index[k];
    if (r < 0 || r >= rows) {
      *bad = 1;  // benign race: every writer stores 1
      continue;
    }
    out[i] = table[static_cast<int64_t>(r) * width + j];
  }
}

}  // namespace

void gather_rows(int64_t n, int64_t width, int64_t rows, const uint32_t* table, const int32_t* index,
                 uint32_t* out) {
  if (n == 0 || width == 0) return;
  Scratch flag(sizeof(int));
  check(cudaMemsetAsync(flag.as<int>(), 0, sizeof(int), stream()), "cudaMemsetAsync (gather flag)");
  gather_rows_kernel<<<grid_for(n * width, kThreads), kThreads, 0, stream()>>>(n, width, rows, table, index,
                                                                              out, flag.as<int>());
  check_launch("gather_rows");
  int bad = 0;
  copy_to_host(&bad, flag.as<int>(), sizeof(int));  // waits for the stream
  LTH_CHECK(!bad, code::kArg, "gather_rows: an index is outside the table's ", rows, " rows");
}

}  // namespace lth::cuda
