// Shared plumbing for the CUDA kernels: the one stream every op runs on, error checks that throw
// lth::Error (ERR_CUDA with the CUDA error name — never an abort), launch-size helpers, scratch memory.
//
// Execution model (docs/design.md §3, "Synchronous by default"): every op enqueues its kernels on
// lth::cuda::stream() and returns after finish() (a stream synchronize), so a CUDA op is synchronous like its CPU
// twin and any asynchronous kernel fault surfaces as a JS error from the op that caused it. LTH_CUDA_ASYNC=1 lets ops
// return without the synchronize (see finish()); results reach the host only through copies that wait, so values are
// the same either way.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "../errors.h"
#include "../kernels.h"

namespace lth::cuda {

// The addon's stream (created on first use, non-blocking w.r.t. the legacy default stream).
cudaStream_t stream();

// Throw ERR_CUDA "<what> failed: cudaErrorX (description)" when e != cudaSuccess.
void check(cudaError_t e, const char* what);

// After a launch: report launch-configuration errors under the kernel's name.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

// True unless LTH_CUDA_ASYNC=1 was set when the addon first used CUDA (read once).
bool sync_each_op();

// End of an op. Default: wait for the stream and report any asynchronous fault under `op`, so a fault
// surfaces from the op that caused it. LTH_CUDA_ASYNC=1: do not wait (small networks are launch-bound and a
// synchronize per op costs more than their kernels); poll the stream instead, so a fault already known is
// still reported, possibly by a later op. Ops that return values, downloads and uploads always wait.
void finish(const char* op);

// Grid size for n items at `per_block` items per block, capped so a grid-stride loop covers the rest.
inline unsigned grid_for(int64_t n, int per_block, unsigned cap = 65535u * 8u) {
  int64_t b = (n + per_block - 1) / per_block;
  if (b < 1) b = 1;
  return b > cap ? cap : static_cast<unsigned>(b);
}

// Device scratch memory, freed at scope exit (stream-ordered allocation on the addon's stream).
class Scratch {
 public:
  explicit Scratch(size_t bytes) {
    check(cudaMallocAsync(&p_, bytes == 0 ? 1 : bytes, stream()), "cudaMallocAsync (scratch)");
  }
  ~Scratch() {
    if (p_) cudaFreeAsync(p_, stream());
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <typename T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  void* p_ = nullptr;
};

// Copies on the addon's stream. to_host waits for the stream (the data is needed now).
void copy_to_host(void* dst, const void* src, size_t bytes);
void copy_to_device(void* dst, const void* src, size_t bytes);

}  // namespace lth::cuda

// Grid-stride loop over [0, n).
#define LTH_CUDA_FOR(i, n)                                                               \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)
