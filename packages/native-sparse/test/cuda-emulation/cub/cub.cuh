// Host stand-in for the few CUB calls the lth kernels make (csr_convert.cu, csr_spmm.cu, magnitude_prune.cu, mask_count.cuh), for
// the emulation in ../cuda_runtime.h. CUB itself is not emulated: each call has CUB's documented result,
// computed sequentially. What is checked of the caller is what CUB relies on but would not diagnose:
//   BlockReduce / BlockScan  the block has BLOCK_THREADS threads and every thread calls (a divergent call
//                            hangs at the barrier); the result of BlockReduce is read in thread 0 only
//                            (other threads get a poison value); temp storage is not reused without a
//                            __syncthreads in between (a race the emulation can show, not prove absent).
//   DeviceScan / DeviceRadixSort  the size query comes first and the storage passed is at least that size;
//                            sort keys have no bits outside [begin_bit, end_bit) (CUB would ignore them).
// Broken preconditions are counted in g_emu_violations and printed; the next stream synchronize then fails, so
// the op that broke one throws ERR_CUDA (cuda_runtime.h).
#pragma once
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace cub {

template <class T, int BLOCK_THREADS>
class BlockReduce {
 public:
  struct TempStorage {
    T v[BLOCK_THREADS];
  };
  explicit BlockReduce(TempStorage& s) : s_(s) {}
  // Sum over the block; the result is defined in thread 0 only (CUB: "only valid for thread0").
  T Sum(T x) {
    if (blockDim.x != BLOCK_THREADS) emu_violation("cub::BlockReduce used with blockDim.x != BLOCK_THREADS");
    s_.v[threadIdx.x] = x;
    __syncthreads();
    if (threadIdx.x != 0) return static_cast<T>(-987654321);
    T r = T();
    for (int i = 0; i < BLOCK_THREADS; ++i) r += s_.v[i];
    return r;
  }

 private:
  TempStorage& s_;
};

template <class T, int BLOCK_THREADS>
class BlockScan {
 public:
  struct TempStorage {
    T v[BLOCK_THREADS];
  };
  explicit BlockScan(TempStorage& s) : s_(s) {}
  // out = Σ of the inputs of lower threads; aggregate = Σ of all inputs (in every thread).
  void ExclusiveSum(T x, T& out, T& aggregate) {
    if (blockDim.x != BLOCK_THREADS) emu_violation("cub::BlockScan used with blockDim.x != BLOCK_THREADS");
    s_.v[threadIdx.x] = x;
    __syncthreads();
    T below = T(), all = T();
    for (unsigned i = 0; i < BLOCK_THREADS; ++i) {
      if (i < threadIdx.x) below += s_.v[i];
      all += s_.v[i];
    }
    out = below;
    aggregate = all;
  }

 private:
  TempStorage& s_;
};

namespace detail {
constexpr size_t kTempBytes = 512;  // what the size queries report
// true when the call only asks for the temp size; flags a run call with too little storage.
inline bool size_query(void* temp, size_t& bytes, const char* what) {
  if (temp == nullptr) {
    bytes = kTempBytes;
    return true;
  }
  if (bytes < kTempBytes) emu_violation(what);
  return false;
}
}  // namespace detail

struct DeviceScan {
  template <class In, class Out, class NumItems>
  static cudaError_t InclusiveSum(void* temp, size_t& bytes, In in, Out out, NumItems n, cudaStream_t = nullptr) {
    if (detail::size_query(temp, bytes, "cub::DeviceScan::InclusiveSum: temp storage smaller than queried")) return cudaSuccess;
    auto acc = decltype(+in[0])();
    for (NumItems i = 0; i < n; ++i) out[i] = acc += in[i];
    return cudaSuccess;
  }
  template <class In, class Out, class NumItems>
  static cudaError_t ExclusiveSum(void* temp, size_t& bytes, In in, Out out, NumItems n, cudaStream_t = nullptr) {
    if (detail::size_query(temp, bytes, "cub::DeviceScan::ExclusiveSum: temp storage smaller than queried")) return cudaSuccess;
    auto acc = decltype(+in[0])();
    for (NumItems i = 0; i < n; ++i) {
      const auto v = in[i];  // in and out may alias
      out[i] = acc;
      acc += v;
    }
    return cudaSuccess;
  }
};

struct DeviceRadixSort {
  // Stable sort of (key, value) pairs by the key bits [begin_bit, end_bit), largest first.
  template <class K, class V, class NumItems>
  static cudaError_t SortPairsDescending(void* temp, size_t& bytes, const K* keys_in, K* keys_out, const V* vals_in,
                                         V* vals_out, NumItems n, int begin_bit = 0, int end_bit = sizeof(K) * 8,
                                         cudaStream_t = nullptr) {
    if (detail::size_query(temp, bytes, "cub::DeviceRadixSort::SortPairsDescending: temp storage smaller than queried"))
      return cudaSuccess;
    constexpr int kBits = sizeof(K) * 8;
    if (begin_bit < 0 || end_bit > kBits || begin_bit > end_bit) emu_violation("cub radix sort: bad bit range");
    if (keys_in == keys_out || static_cast<const void*>(vals_in) == static_cast<const void*>(vals_out))
      emu_violation("cub radix sort: input and output buffers alias");
    const unsigned long long digits = end_bit - begin_bit >= 64 ? ~0ull : (1ull << (end_bit - begin_bit)) - 1;
    auto digit = [&](K k) { return (static_cast<unsigned long long>(k) >> begin_bit) & digits; };
    std::vector<size_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), size_t{0});
    for (size_t i = 0; i < order.size(); ++i)
      if ((static_cast<unsigned long long>(keys_in[i]) & ~(digits << begin_bit)) != 0) {
        emu_violation("cub radix sort: a key has bits outside [begin_bit, end_bit) (CUB ignores them)");
        break;
      }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return digit(keys_in[a]) > digit(keys_in[b]); });
    for (size_t i = 0; i < order.size(); ++i) {
      keys_out[i] = keys_in[order[i]];
      vals_out[i] = vals_in[order[i]];
    }
    return cudaSuccess;
  }
};

}  // namespace cub
