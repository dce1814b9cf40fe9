// softmaxCrossEntropy(logits [B,C], labels i32 [B], { dlogits }) -> { loss, correct, dlogits }
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Args a(info, "softmaxCrossEntropy");
  Tensor& logits = a.tensor(a.at(0), "logits", f32(2));
  const int64_t B = logits.shape[0], C = logits.shape[1];
  Tensor& labels = a.tensor(a.at(1), "labels", i32(1));
  a.expect_shape(labels, {B}, "labels");
  a.options(2);
  auto dlogits = a.grad(a.opt("dlogits"), "dlogits", {B, C});
  Device d = a.finish();
  CeResult r =
      LTH_DISPATCH(d, softmax_cross_entropy, B, C, logits.data<float>(), labels.data<int32_t>(), dlogits.data<float>());
  return loss_result(a.env(), r, dlogits.js(a.env()));
}

}  // namespace

void register_softmax_cross_entropy(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "softmaxCrossEntropy", SoftmaxCrossEntropy);
}

}  // namespace lth::binding
