// The masked dense layer over a leading trial axis: maskedDenseForwardBatched, maskedDenseBackwardBatched. The
// trial count comes from W [T,Out,In]; x [B,In] (one rank less) is shared by every trial (trial stride 0).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct Batched {
  Tensor& x;
  Tensor& W;
  Tensor* mask;
  int64_t T, B, In, Out, x_stride;
};

Batched batched_args(Args& a) {
  Tensor& x = a.tensor(a.at(0), "x", f32());
  Tensor& W = a.tensor(a.at(1), "W", f32());
  a.expect_rank(W, 3, "W", "[T,out,in]");
  const int64_t T = W.shape[0], Out = W.shape[1], In = W.shape[2];
  const bool shared = x.shape.size() == 2;
  LTH_CHECK(shared || x.shape.size() == 3, code::kShape, a.op(),
            ": 'x' must be [T,B,in] or [B,in] (shared by every trial), got ", x.describe());
  LTH_CHECK(shared || x.shape[0] == T, code::kShape, a.op(), ": x ", x.describe(), " holds ", x.shape[0], " trials, W ",
            W.describe(), " holds ", T);
  LTH_CHECK(x.shape.back() == In, code::kShape, a.op(), ": x ", x.describe(), " needs W [T,out,", x.shape.back(),
            "], got W ", W.describe());
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8(3));
  if (mask) a.expect_shape(*mask, W.shape, "mask");
  const int64_t B = shared ? x.shape[0] : x.shape[1];
  return {x, W, mask, T, B, In, Out, shared ? 0 : B * In};
}

// maskedDenseForwardBatched(x, W, { mask, bias [T,Out], relu, out [T,B,Out] })
Napi::Value MaskedDenseForwardBatched(const Napi::CallbackInfo& info) {
  Args a(info, "maskedDenseForwardBatched");
  a.options(2);
  Batched d = batched_args(a);
  Tensor* bias = a.optional_tensor(a.opt("bias"), "bias", f32(2));
  if (bias) a.expect_shape(*bias, {d.T, d.Out}, "bias");
  const bool relu = a.boolean_or(a.opt("relu"), "relu", false);
  auto y = a.output(a.opt("out"), "out", DType::F32, {d.T, d.B, d.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, masked_dense_forward_batched, d.T, d.B, d.In, d.Out, d.x.data<float>(), d.x_stride,
               d.W.data<float>(), ptr<uint8_t>(d.mask), ptr<float>(bias), relu, y.data<float>());
  return y.js(a.env());
}

// maskedDenseBackwardBatched(x, W, dy [T,B,Out], { mask, dx, dW, db }) -> { dx, dW, db }
Napi::Value MaskedDenseBackwardBatched(const Napi::CallbackInfo& info) {
  Args a(info, "maskedDenseBackwardBatched");
  a.options(3);
  Batched d = batched_args(a);
  Tensor& dy = a.tensor(a.at(2), "dy", f32(3));
  a.expect_shape(dy, {d.T, d.B, d.Out}, "dy");
  auto dx = a.grad(a.opt("dx"), "dx", {d.T, d.B, d.In});
  auto dW = a.grad(a.opt("dW"), "dW", {d.T, d.Out, d.In});
  auto db = a.grad(a.opt("db"), "db", {d.T, d.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, masked_dense_backward_batched, d.T, d.B, d.In, d.Out, d.x.data<float>(), d.x_stride,
               d.W.data<float>(), ptr<uint8_t>(d.mask), dy.data<float>(), dx.data<float>(), dW.data<float>(),
               db.data<float>());
  return result(a.env(), {{"dx", dx.js(a.env())}, {"dW", dW.js(a.env())}, {"db", db.js(a.env())}});
}

}  // namespace

void register_masked_dense_batched(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "maskedDenseForwardBatched", MaskedDenseForwardBatched);
  export_fn(env, exports, "maskedDenseBackwardBatched", MaskedDenseBackwardBatched);
}

}  // namespace lth::binding
