// CUDA runtime wrapper: allocation, copies and device queries. Every failing call becomes lth::Error
// ERR_CUDA with the CUDA error name; "no driver / no device" is reported as an empty device list.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "../cuda_runtime_api.h"
#include "../errors.h"
#include "common.cuh"

namespace lth {

namespace cuda {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the non-sticky error state so later calls are not poisoned
    fail(code::kCuda, what, " failed: ", cudaGetErrorName(e), " (", cudaGetErrorString(e), ")");
  }
}

bool sync_each_op() {
  static const bool sync = [] {
    const char* v = std::getenv("LTH_CUDA_ASYNC");
    return !(v && std::strcmp(v, "1") == 0);
  }();
  return sync;
}

void finish(const char* op) {
  if (sync_each_op()) {
    check(cudaStreamSynchronize(stream()), op);
    return;
  }
  // Non-blocking: cudaErrorNotReady only means work is still queued.
  const cudaError_t e = cudaStreamQuery(stream());
  if (e == cudaErrorNotReady) {
    cudaGetLastError();
    return;
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    fail(code::kCuda, op, " (or an earlier op: LTH_CUDA_ASYNC=1 reports faults late; unset it to find the op) failed: ",
         cudaGetErrorName(e), " (", cudaGetErrorString(e), ")");
  }
}

namespace {
// Scratch memory comes from the device's default pool (cudaMallocAsync). Its release threshold is 0 by
// default, so every stream synchronize — once per op — would hand the pool's memory back to the driver and
// the next op would map it again. Keep (up to a bound) cached instead. Best effort: a device without memory pools
// reports the error at the first cudaMallocAsync, where it belongs.
void keep_pool_memory() {
  int dev = 0;
  cudaMemPool_t pool = nullptr;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetDefaultMemPool(&pool, dev) != cudaSuccess) {
    cudaGetLastError();
    return;
  }
  // Keep up to 1 GiB cached across synchronizes; larger transient scratch (split-K partials, the sort buffers
  // of a 25M-weight selection) goes back to the driver, where cudaMalloc of tensors can use it.
  uint64_t threshold = uint64_t{1} << 30;
  if (cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold) != cudaSuccess) cudaGetLastError();
}
}  // namespace

cudaStream_t stream() {
  // One stream for the process (the addon has one context). Non-blocking: it does not serialise with
  // work other libraries put on the legacy default stream. First use also configures the scratch pool.
  static cudaStream_t s = [] {
    cudaStream_t created = nullptr;
    check(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking), "cudaStreamCreate");
    keep_pool_memory();
    return created;
  }();
  return s;
}

void copy_to_host(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream()), "cudaMemcpy device->host");
  check(cudaStreamSynchronize(stream()), "cudaMemcpy device->host");  // the host reads dst next: always wait
}

void copy_to_device(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;
  check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream()), "cudaMemcpy host->device");
}
}  // namespace cuda

using cuda::check;

bool cuda_compiled() { return true; }

int cuda_runtime_version() {
  int v = 0;
  if (cudaRuntimeGetVersion(&v) != cudaSuccess) return 0;
  return v;
}

std::vector<CudaDeviceInfo> cuda_devices() {
  std::vector<CudaDeviceInfo> out;
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return out;
  }
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    out.push_back({i, p.name, p.major, p.minor, p.totalGlobalMem, p.multiProcessorCount});
  }
  return out;
}

void* cuda_alloc(size_t bytes) {
  // Asked once: cudaGetDeviceProperties per allocation would cost more than the allocation.
  static const bool have_device = [] {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    return n > 0;
  }();
  if (!have_device) fail(code::kNoCuda, "no CUDA device is available");
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, bytes == 0 ? 1 : bytes);
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    fail(code::kOom, "out of GPU memory allocating ", bytes, " bytes");
  }
  check(e, "cudaMalloc");
  return p;
}

void cuda_free_noexcept(void* p) noexcept {
  if (p) cudaFree(p);
}

// Tensor upload/download/zero run on the addon's stream, ordered with the kernels, and return when done
// (the host buffer of an upload may be freed by JS right after the call).
void cuda_copy_h2d(void* dst, const void* src, size_t bytes) {
  cuda::copy_to_device(dst, src, bytes);
  check(cudaStreamSynchronize(cuda::stream()), "cudaMemcpy host->device");  // JS may free src next: always wait
}

void cuda_copy_d2h(void* dst, const void* src, size_t bytes) { cuda::copy_to_host(dst, src, bytes); }

void cuda_memset_zero(void* dst, size_t bytes) {
  check(cudaMemsetAsync(dst, 0, bytes, cuda::stream()), "cudaMemset");
  cuda::finish("cudaMemset");
}

}  // namespace lth
