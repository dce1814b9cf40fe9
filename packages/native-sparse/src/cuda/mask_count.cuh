// Count of nonzero bytes of a device buffer, shared by mask_ops.cu (count_nonzero) and csr_convert.cu (dense_nnz
// with a mask). Grid-stride reduction: when the buffer is 16-byte aligned, 16 bytes per load and the
// nonzero bytes of each 32-bit word counted with the zero-byte bit trick; per-block sums (CUB BlockReduce)
// are added into one 64-bit global counter.
#pragma once
#include <cub/cub.cuh>

#include "common.cuh"

namespace lth::cuda {
namespace {

constexpr int kMaskCountThreads = 256;

// Number of nonzero bytes in a 32-bit word: bit 7 of byte b of z is set iff that byte of x is 0 (no carry
// crosses bytes: (b & 0x7f) + 0x7f <= 0xfe).
__device__ __forceinline__ int nonzero_bytes(uint32_t x) {
  const uint32_t z = ~(((x & 0x7f7f7f7fu) + 0x7f7f7f7fu) | x | 0x7f7f7f7fu);
  return 4 - __popc(z);
}

// *total += number of nonzero bytes in m[0, n). vec: m is 16-byte aligned (n / 16 uint4 loads, then the tail).
__global__ void __launch_bounds__(kMaskCountThreads)
    mask_count_kernel(int64_t n, const uint8_t* m, bool vec, unsigned long long* total) {
  using Reduce = cub::BlockReduce<long long, kMaskCountThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  long long k = 0;
  int64_t done = 0;
  if (vec) {
    const int64_t n16 = n / 16;
    const uint4* v = reinterpret_cast<const uint4*>(m);
    LTH_CUDA_FOR(i, n16) {
      const uint4 q = v[i];
      k += nonzero_bytes(q.x) + nonzero_bytes(q.y) + nonzero_bytes(q.z) + nonzero_bytes(q.w);
    }
    done = n16 * 16;
  }
  for (int64_t i = done + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)
    k += m[i] != 0;
  const long long sum = Reduce(tmp).Sum(k);
  if (threadIdx.x == 0 && sum) atomicAdd(total, static_cast<unsigned long long>(sum));
}

// Nonzero bytes of mask[0, n); synchronous (the count is copied to the host).
inline int64_t mask_count(int64_t n, const uint8_t* mask, const char* op) {
  if (n <= 0) return 0;
  const bool vec = reinterpret_cast<uintptr_t>(mask) % 16 == 0;
  Scratch total_buf(sizeof(unsigned long long));
  unsigned long long* total = total_buf.as<unsigned long long>();
  check(cudaMemsetAsync(total, 0, sizeof *total, stream()), "cudaMemsetAsync (mask count)");
  mask_count_kernel<<<grid_for(vec ? n / 16 + 1 : n, kMaskCountThreads, 4096), kMaskCountThreads, 0, stream()>>>(
      n, mask, vec, total);
  check_launch("mask_count_kernel");
  unsigned long long k = 0;
  copy_to_host(&k, total, sizeof k);  // waits
  finish(op);
  return static_cast<int64_t>(k);
}

}  // namespace
}  // namespace lth::cuda
