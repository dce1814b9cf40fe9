// The runtime half of src/cuda/runtime.cu that the kernels call, on host memory (see cuda_runtime.h).
#include "common.cuh"
namespace lth::cuda {
cudaStream_t stream() { return nullptr; }
void check(cudaError_t e, const char* what) { if (e != cudaSuccess) fail(code::kCuda, what, " failed"); }
void copy_to_host(void* d, const void* s, size_t n) { std::memcpy(d, s, n); }
void copy_to_device(void* d, const void* s, size_t n) { std::memcpy(d, s, n); }
}  // namespace lth::cuda
