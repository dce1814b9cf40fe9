// CUDA runtime wrapper: allocation, copies and device queries. Every failing call becomes lth::Error
// ERR_CUDA with the CUDA error name; "no driver / no device" is reported as an empty device list.
#include <cuda_runtime.h>

#include "../cuda_runtime_api.h"
#include "../errors.h"

namespace lth {

namespace {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error state so later calls are not poisoned
    fail(code::kCuda, what, " failed: ", cudaGetErrorName(e), " (", cudaGetErrorString(e), ")");
  }
}
}  // namespace

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
  if (cuda_devices().empty()) fail(code::kNoCuda, "no CUDA device is available");
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

void cuda_copy_h2d(void* dst, const void* src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "cudaMemcpy host->device");
}

void cuda_copy_d2h(void* dst, const void* src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy device->host");
}

void cuda_memset_zero(void* dst, size_t bytes) { check(cudaMemset(dst, 0, bytes), "cudaMemset"); }

}  // namespace lth
