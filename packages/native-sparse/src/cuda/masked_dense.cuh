// The masked dense layer's enqueue functions for T trials (one network: T = 1), shared by the batched and
// unbatched ops (definitions: masked_dense.cu). They enqueue on the addon's stream and do not wait; `op` names
// the caller in error messages. x_trial_stride: elements between trials' x (0: one x for every trial).
#pragma once
#include <cstdint>

namespace lth::cuda::dense {

void enqueue_forward(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                     const float* W, const uint8_t* mask, const float* bias, bool relu, float* y, const char* op);

void enqueue_backward(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                      const float* W, const uint8_t* mask, const float* dy, float* dx, float* dW, float* db,
                      const char* op);

}  // namespace lth::cuda::dense
