// JS bindings for the ops over a leading trial axis: maskedDenseForwardBatched, maskedDenseBackwardBatched,
// softmaxCrossEntropyBatched. The trial count comes from W (dense) or logits (loss); an input of one rank less
// (x [B,In], labels [B]) is shared by every trial (trial stride 0).
#include <vector>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct BatchedDims {
  int64_t T, B, In, Out, x_stride;
};

// W [T,Out,In]; x [T,B,In] (per trial) or [B,In] (shared); mask like W.
BatchedDims batched_dims(const Tensor& x, const Tensor& W, const Tensor* mask, const char* op) {
  expect_dtype(x, DType::F32, op, "x");
  expect_dtype(W, DType::F32, op, "W");
  LTH_CHECK(W.shape.size() == 3, code::kShape, op, ": 'W' must be rank 3 [T,out,in], got ", W.describe());
  const int64_t T = W.shape[0], Out = W.shape[1], In = W.shape[2];
  const bool shared = x.shape.size() == 2;
  LTH_CHECK(shared || x.shape.size() == 3, code::kShape, op, ": 'x' must be [T,B,in] or [B,in] (shared), got ",
            x.describe());
  LTH_CHECK(shared || x.shape[0] == T, code::kShape, op, ": x ", x.describe(), " has a trial count other than W ",
            W.describe());
  const int64_t B = shared ? x.shape[0] : x.shape[1];
  LTH_CHECK(x.shape.back() == In, code::kShape, op, ": x ", x.describe(), " does not match W ", W.describe(),
            " (W is [T,out,in])");
  if (mask) {
    expect_dtype(*mask, DType::U8, op, "mask");
    LTH_CHECK(mask->shape == W.shape, code::kShape, op, ": mask ", mask->describe(), " must match W ", W.describe());
  }
  return {T, B, In, Out, shared ? 0 : B * In};
}

void expect_f32_shape(const Tensor* t, std::initializer_list<int64_t> shape, const char* op, const char* name) {
  if (!t) return;
  expect_dtype(*t, DType::F32, op, name);
  expect_shape(*t, shape, op, name);
}

// maskedDenseForwardBatched(x, W, mask|null, bias|null, relu, y)
Napi::Value MaskedDenseForwardBatched(const Napi::CallbackInfo& info) {
  const char* op = "maskedDenseForwardBatched";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor* bias = optional_tensor_arg(info, 3, op, "bias");
  bool relu = bool_arg(info, 4, op, "relu");
  Tensor& y = tensor_arg(info, 5, op, "y");
  auto [T, B, In, Out, xs] = batched_dims(x, W, mask, op);
  expect_f32_shape(bias, {T, Out}, op, "bias");
  expect_f32_shape(&y, {T, B, Out}, op, "y");
  Device d = common_device({&x, &W, mask, bias, &y}, op);
  LTH_DISPATCH(d, masked_dense_forward_batched, T, B, In, Out, x.data<float>(), xs, W.data<float>(),
               ptr<uint8_t>(mask), ptr<float>(bias), relu, y.data<float>());
  return info.Env().Undefined();
}

// maskedDenseBackwardBatched(x, W, mask|null, dy, dx|null, dW|null, db|null)
Napi::Value MaskedDenseBackwardBatched(const Napi::CallbackInfo& info) {
  const char* op = "maskedDenseBackwardBatched";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor& dy = tensor_arg(info, 3, op, "dy");
  Tensor* dx = optional_tensor_arg(info, 4, op, "dx");
  Tensor* dW = optional_tensor_arg(info, 5, op, "dW");
  Tensor* db = optional_tensor_arg(info, 6, op, "db");
  auto [T, B, In, Out, xs] = batched_dims(x, W, mask, op);
  expect_f32_shape(&dy, {T, B, Out}, op, "dy");
  expect_f32_shape(dx, {T, B, In}, op, "dx");
  expect_f32_shape(dW, {T, Out, In}, op, "dW");
  expect_f32_shape(db, {T, Out}, op, "db");
  Device d = common_device({&x, &W, mask, &dy, dx, dW, db}, op);
  LTH_DISPATCH(d, masked_dense_backward_batched, T, B, In, Out, x.data<float>(), xs, W.data<float>(),
               ptr<uint8_t>(mask), dy.data<float>(), ptr<float>(dx), ptr<float>(dW), ptr<float>(db));
  return info.Env().Undefined();
}

// softmaxCrossEntropyBatched(logits [T,B,C], labels i32 [T,B] | [B] (shared), dlogits|null)
//   -> { loss: number[T], correct: number[T] }
Napi::Value SoftmaxCrossEntropyBatched(const Napi::CallbackInfo& info) {
  const char* op = "softmaxCrossEntropyBatched";
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& labels = tensor_arg(info, 1, op, "labels");
  Tensor* dlogits = optional_tensor_arg(info, 2, op, "dlogits");
  expect_dtype(logits, DType::F32, op, "logits");
  LTH_CHECK(logits.shape.size() == 3, code::kShape, op, ": 'logits' must be rank 3 [T,B,C], got ", logits.describe());
  const int64_t T = logits.shape[0], B = logits.shape[1], C = logits.shape[2];
  expect_dtype(labels, DType::I32, op, "labels");
  const bool shared = labels.shape.size() == 1;
  if (shared) expect_shape(labels, {B}, op, "labels");
  else expect_shape(labels, {T, B}, op, "labels");
  expect_f32_shape(dlogits, {T, B, C}, op, "dlogits");
  Device d = common_device({&logits, &labels, dlogits}, op);
  std::vector<CeResult> r(static_cast<size_t>(T));
  LTH_DISPATCH(d, softmax_cross_entropy_batched, T, B, C, logits.data<float>(), labels.data<int32_t>(),
               shared ? 0 : B, ptr<float>(dlogits), r.data());
  Napi::Env env = info.Env();
  Napi::Array loss = Napi::Array::New(env, r.size()), correct = Napi::Array::New(env, r.size());
  for (size_t t = 0; t < r.size(); ++t) {
    loss.Set(t, r[t].loss);
    correct.Set(t, static_cast<double>(r[t].correct));
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("loss", loss);
  out.Set("correct", correct);
  return out;
}

}  // namespace

void register_batched(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "maskedDenseForwardBatched", MaskedDenseForwardBatched);
  export_fn(env, exports, "maskedDenseBackwardBatched", MaskedDenseBackwardBatched);
  export_fn(env, exports, "softmaxCrossEntropyBatched", SoftmaxCrossEntropyBatched);
}

}  // namespace lth::binding
