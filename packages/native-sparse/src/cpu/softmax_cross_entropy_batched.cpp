// Softmax cross-entropy over a leading trial axis on the CPU: every label of every trial is checked first
// (nothing is written when one is bad), then trial t is the unbatched op on logits + t·B·C with labels +
// t·labels_trial_stride — the same kernel, so each trial's loss, count and dlogits (scaled 1/B) are
// bit-identical to a solo call.
#include "../kernels.h"

namespace lth::cpu {

namespace {

void check_labels(int64_t T, int64_t B, int64_t C, const int32_t* labels, int64_t stride) {
  for (int64_t t = 0; t < (stride == 0 ? 1 : T); ++t)
    for (int64_t b = 0; b < B; ++b) {
      const int32_t y = labels[t * stride + b];
      LTH_CHECK(y >= 0 && y < C, code::kArg, "softmax_cross_entropy_batched: label ", y, " of trial ", t, " at row ", b,
                " is outside [0, ", C, ")");
    }
}

using Ce = CeResult (*)(int64_t, int64_t, const float*, const int32_t*, float*);

void trials(Ce f, int64_t T, int64_t B, int64_t C, const float* logits, const int32_t* labels, int64_t stride,
            float* dlogits, CeResult* out) {
  check_labels(T, B, C, labels, stride);
  for (int64_t t = 0; t < T; ++t)
    out[t] = f(B, C, logits + t * B * C, labels + t * stride, dlogits ? dlogits + t * B * C : nullptr);
}

}  // namespace

namespace ref {
void softmax_cross_entropy_batched(int64_t T, int64_t B, int64_t C, const float* logits, const int32_t* labels,
                                   int64_t labels_trial_stride, float* dlogits, CeResult* out) {
  trials(&ref::softmax_cross_entropy, T, B, C, logits, labels, labels_trial_stride, dlogits, out);
}
}  // namespace ref

void softmax_cross_entropy_batched(int64_t T, int64_t B, int64_t C, const float* logits, const int32_t* labels,
                                   int64_t labels_trial_stride, float* dlogits, CeResult* out) {
  trials(&cpu::softmax_cross_entropy, T, B, C, logits, labels, labels_trial_stride, dlogits, out);
}

}  // namespace lth::cpu
