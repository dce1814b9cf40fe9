// The CUDA runtime entry points for a build without CUDA: the device is simply absent.
#ifndef LTH_WITH_CUDA
#include "cuda_runtime_api.h"
#include "errors.h"

namespace lth {

namespace {
[[noreturn]] void no_cuda() {
  fail(code::kNoCuda,
       "this build of lth has no CUDA backend (nvcc was not found when it was built; rebuild with LTH_CUDA=ON on a "
       "machine with the CUDA toolkit)");
}
}  // namespace

bool cuda_compiled() { return false; }
std::vector<CudaDeviceInfo> cuda_devices() { return {}; }
int cuda_runtime_version() { return 0; }
void* cuda_alloc(size_t) { no_cuda(); }
void cuda_free_noexcept(void*) noexcept {}
void cuda_copy_h2d(void*, const void*, size_t) { no_cuda(); }
void cuda_copy_d2h(void*, const void*, size_t) { no_cuda(); }
void cuda_memset_zero(void*, size_t) { no_cuda(); }

}  // namespace lth
#endif
