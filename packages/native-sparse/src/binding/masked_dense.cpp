// The masked dense (fully connected) layer: maskedDenseForward, maskedDenseBackward. W is [Out,In].
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct Dense {
  Tensor& x;
  Tensor& W;
  Tensor* mask;
  int64_t B, In, Out;
};

// x [B,In], W [Out,In], opts.mask u8 like W.
Dense dense_args(Args& a) {
  Tensor& x = a.tensor(a.at(0), "x", f32(2));
  Tensor& W = a.tensor(a.at(1), "W", f32(2));
  LTH_CHECK(W.shape[1] == x.shape[1], code::kShape, a.op(), ": x ", x.describe(), " needs W [out, ", x.shape[1],
            "], got W ", W.describe());
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8(2));
  if (mask) a.expect_shape(*mask, W.shape, "mask");
  return {x, W, mask, x.shape[0], x.shape[1], W.shape[0]};
}

// maskedDenseForward(x, W, { mask, bias, relu, out }): y = x·(W⊙mask)ᵀ + bias, ReLU fused.
Napi::Value MaskedDenseForward(const Napi::CallbackInfo& info) {
  Args a(info, "maskedDenseForward");
  a.options(2);
  Dense d = dense_args(a);
  Tensor* bias = a.optional_tensor(a.opt("bias"), "bias", f32(1));
  if (bias) a.expect_shape(*bias, {d.Out}, "bias");
  const bool relu = a.boolean_or(a.opt("relu"), "relu", false);
  auto y = a.output(a.opt("out"), "out", DType::F32, {d.B, d.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, masked_dense_forward, d.B, d.In, d.Out, d.x.data<float>(), d.W.data<float>(), ptr<uint8_t>(d.mask),
               ptr<float>(bias), relu, y.data<float>());
  return y.js(a.env());
}

// maskedDenseBackward(x, W, dy, { mask, dx, dW, db }) -> { dx, dW, db }
Napi::Value MaskedDenseBackward(const Napi::CallbackInfo& info) {
  Args a(info, "maskedDenseBackward");
  a.options(3);
  Dense d = dense_args(a);
  Tensor& dy = a.tensor(a.at(2), "dy", f32(2));
  a.expect_shape(dy, {d.B, d.Out}, "dy");
  auto dx = a.grad(a.opt("dx"), "dx", {d.B, d.In});
  auto dW = a.grad(a.opt("dW"), "dW", {d.Out, d.In});
  auto db = a.grad(a.opt("db"), "db", {d.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, masked_dense_backward, d.B, d.In, d.Out, d.x.data<float>(), d.W.data<float>(), ptr<uint8_t>(d.mask),
               dy.data<float>(), dx.data<float>(), dW.data<float>(), db.data<float>());
  return result(a.env(), {{"dx", dx.js(a.env())}, {"dW", dW.js(a.env())}, {"db", db.js(a.env())}});
}

}  // namespace

void register_masked_dense(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "maskedDenseForward", MaskedDenseForward);
  export_fn(env, exports, "maskedDenseBackward", MaskedDenseBackward);
}

}  // namespace lth::binding
