// softmaxCrossEntropyBatched(logits [T,B,C], labels i32 [T,B] | [B] (shared), { dlogits })
//   -> { loss: number[T], correct: number[T], dlogits }
#include <vector>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value SoftmaxCrossEntropyBatched(const Napi::CallbackInfo& info) {
  Args a(info, "softmaxCrossEntropyBatched");
  Tensor& logits = a.tensor(a.at(0), "logits", f32(3));
  const int64_t T = logits.shape[0], B = logits.shape[1], C = logits.shape[2];
  Tensor& labels = a.tensor(a.at(1), "labels", i32());
  const bool shared = labels.shape.size() == 1;
  a.expect_shape(labels, shared ? std::vector<int64_t>{B} : std::vector<int64_t>{T, B}, "labels");
  a.options(2);
  auto dlogits = a.grad(a.opt("dlogits"), "dlogits", {T, B, C});
  Device d = a.finish();
  std::vector<CeResult> r(static_cast<size_t>(T));
  LTH_DISPATCH(d, softmax_cross_entropy_batched, T, B, C, logits.data<float>(), labels.data<int32_t>(), shared ? 0 : B,
               dlogits.data<float>(), r.data());
  Napi::Env env = a.env();
  Napi::Array loss = Napi::Array::New(env, r.size()), correct = Napi::Array::New(env, r.size());
  for (size_t t = 0; t < r.size(); ++t) {
    loss.Set(static_cast<uint32_t>(t), r[t].loss);
    correct.Set(static_cast<uint32_t>(t), static_cast<double>(r[t].correct));
  }
  return result(env, {{"loss", loss}, {"correct", correct}, {"dlogits", dlogits.js(env)}});
}

}  // namespace

void register_softmax_cross_entropy_batched(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "softmaxCrossEntropyBatched", SoftmaxCrossEntropyBatched);
}

}  // namespace lth::binding
