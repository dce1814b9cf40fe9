// The masked dense layer over a leading trial axis on CUDA (definition: src/cpu/masked_dense_batched.cpp, ref):
// masked_dense.cu's code with T trials — each product ONE batched launch of the tiled GEMM (grid y = trial),
// the bias gradient one column-sum launch over (columns, trials), and one wait on the stream instead of T.
#include <cstdint>

#include "common.cuh"
#include "masked_dense.cuh"

namespace lth::cuda {

void masked_dense_forward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                                  const float* W, const uint8_t* mask, const float* bias, bool relu, float* y) {
  dense::enqueue_forward(T, B, In, Out, x, x_trial_stride, W, mask, bias, relu, y, "masked_dense_forward_batched");
  finish("masked_dense_forward_batched");
}

void masked_dense_backward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x,
                                   int64_t x_trial_stride, const float* W, const uint8_t* mask, const float* dy,
                                   float* dx, float* dW, float* db) {
  dense::enqueue_backward(T, B, In, Out, x, x_trial_stride, W, mask, dy, dx, dW, db, "masked_dense_backward_batched");
  finish("masked_dense_backward_batched");
}

}  // namespace lth::cuda
