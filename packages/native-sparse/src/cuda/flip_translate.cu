// Flip + translate augmentation on CUDA: one thread per output element, a gather from the source image (0
// outside it), so batches of a device-resident data set are augmented where they live. Definition:
// src/cpu/flip_translate.cpp (namespace ref).
#include <cstdint>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void flip_translate_kernel(int64_t n, int64_t C, int64_t H, int64_t W, const int32_t* params,
                                      const float* src, float* out) {
  const int64_t plane = H * W;
  LTH_CUDA_FOR(i, n * C * plane) {
    const int64_t p = i / plane, r = i - p * plane;
    const int64_t k = p / C, y = r / W, x = r - y * W;
    const bool flip = params[3 * k] != 0;
    const int64_t sy = y + params[3 * k + 1], sx = x + params[3 * k + 2];
    out[i] = sy >= 0 && sy < H && sx >= 0 && sx < W ? src[p * plane + sy * W + (flip ? W - 1 - sx : sx)] : 0.0f;
  }
}

}  // namespace

void flip_translate(int64_t n, int64_t C, int64_t H, int64_t W, const int32_t* params, const float* src, float* out) {
  const int64_t total = n * C * H * W;
  if (total == 0) return;
  flip_translate_kernel<<<grid_for(total, kThreads), kThreads, 0, stream()>>>(n, C, H, W, params, src, out);
  check_launch("flip_translate");
  finish("flip_translate");
}

}  // namespace lth::cuda
