// sigmoidBinaryCrossEntropy(logits [B], labels f32 [B] in [0, 1], { dlogits }) -> { loss, correct, dlogits }
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value SigmoidBinaryCrossEntropy(const Napi::CallbackInfo& info) {
  Args a(info, "sigmoidBinaryCrossEntropy");
  Tensor& logits = a.tensor(a.at(0), "logits", f32(1));
  const int64_t B = logits.shape[0];
  Tensor& labels = a.tensor(a.at(1), "labels", f32(1));
  a.expect_shape(labels, {B}, "labels");
  a.options(2);
  auto dlogits = a.grad(a.opt("dlogits"), "dlogits", {B});
  Device d = a.finish();
  CeResult r = LTH_DISPATCH(d, sigmoid_binary_cross_entropy, B, logits.data<float>(), labels.data<float>(),
                            dlogits.data<float>());
  return loss_result(a.env(), r, dlogits.js(a.env()));
}

}  // namespace

void register_sigmoid_binary_cross_entropy(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "sigmoidBinaryCrossEntropy", SigmoidBinaryCrossEntropy);
}

}  // namespace lth::binding
