// The masked dense layer over a leading trial axis on the CPU: trial t is the unbatched op on its slices
// (x + t·x_trial_stride, W/mask + t·Out·In, bias + t·Out, outputs + t·B·Out …), one trial after another with
// the parallel GEMM inside each. Running the very same kernel per trial makes every trial's result
// bit-identical to a solo call, which is what batched lottery trials promise.
#include "../kernels.h"

namespace lth::cpu {

namespace {

// Pointer to trial t's slice, or null for an absent optional tensor.
template <typename P>
P* at(P* base, int64_t t, int64_t stride) {
  return base ? base + t * stride : nullptr;
}

using Forward = void (*)(int64_t, int64_t, int64_t, const float*, const float*, const uint8_t*, const float*, bool,
                         float*);
using Backward = void (*)(int64_t, int64_t, int64_t, const float*, const float*, const uint8_t*, const float*, float*,
                          float*, float*);

void forward_trials(Forward f, int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t xs,
                    const float* W, const uint8_t* mask, const float* bias, bool relu, float* y) {
  for (int64_t t = 0; t < T; ++t)
    f(B, In, Out, x + t * xs, W + t * Out * In, at(mask, t, Out * In), at(bias, t, Out), relu, y + t * B * Out);
}

void backward_trials(Backward f, int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t xs,
                     const float* W, const uint8_t* mask, const float* dy, float* dx, float* dW, float* db) {
  for (int64_t t = 0; t < T; ++t)
    f(B, In, Out, x + t * xs, W + t * Out * In, at(mask, t, Out * In), dy + t * B * Out, at(dx, t, B * In),
      at(dW, t, Out * In), at(db, t, Out));
}

}  // namespace

namespace ref {
void masked_dense_forward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                                  const float* W, const uint8_t* mask, const float* bias, bool relu, float* y) {
  forward_trials(&ref::masked_dense_forward, T, B, In, Out, x, x_trial_stride, W, mask, bias, relu, y);
}

void masked_dense_backward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x,
                                   int64_t x_trial_stride, const float* W, const uint8_t* mask, const float* dy,
                                   float* dx, float* dW, float* db) {
  backward_trials(&ref::masked_dense_backward, T, B, In, Out, x, x_trial_stride, W, mask, dy, dx, dW, db);
}
}  // namespace ref

void masked_dense_forward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                                  const float* W, const uint8_t* mask, const float* bias, bool relu, float* y) {
  forward_trials(&cpu::masked_dense_forward, T, B, In, Out, x, x_trial_stride, W, mask, bias, relu, y);
}

void masked_dense_backward_batched(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x,
                                   int64_t x_trial_stride, const float* W, const uint8_t* mask, const float* dy,
                                   float* dx, float* dW, float* db) {
  backward_trials(&cpu::masked_dense_backward, T, B, In, Out, x, x_trial_stride, W, mask, dy, dx, dW, db);
}

}  // namespace lth::cpu
