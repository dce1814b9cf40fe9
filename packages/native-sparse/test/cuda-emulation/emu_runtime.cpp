// The runtime half of src/cuda/runtime.cu that the kernels call, on host memory (see cuda_runtime.h).
#include "common.cuh"
namespace lth::cuda {
cudaStream_t stream() { return nullptr; }
void check(cudaError_t e, const char* what) { if (e != cudaSuccess) fail(code::kCuda, what, " failed"); }
void copy_to_host(void* d, const void* s, size_t n) { std::memcpy(d, s, n); }
// Kernels run to completion at launch here: every op is already finished when it returns.
bool sync_each_op() { return true; }
void finish(const char* op) { check(cudaStreamSynchronize(stream()), op); }
void copy_to_device(void* d, const void* s, size_t n) { std::memcpy(d, s, n); }
}  // namespace lth::cuda
