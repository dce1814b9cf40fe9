// The CUDA runtime as the rest of the addon sees it. Implemented in src/cuda/runtime.cu when CUDA is
// compiled, else in src/cuda_runtime_none.cpp, where every call that needs a GPU throws ERR_NO_CUDA.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace lth {

struct CudaDeviceInfo {
  int index;
  std::string name;
  int sm_major, sm_minor;
  size_t total_memory;
  int multiprocessors;
};

bool cuda_compiled();
std::vector<CudaDeviceInfo> cuda_devices();  // empty when none (never throws for "no driver")
int cuda_runtime_version();                  // 0 when not compiled

void* cuda_alloc(size_t bytes);
void cuda_free_noexcept(void* p) noexcept;
void cuda_copy_h2d(void* dst, const void* src, size_t bytes);
void cuda_copy_d2h(void* dst, const void* src, size_t bytes);
void cuda_memset_zero(void* dst, size_t bytes);

}  // namespace lth
