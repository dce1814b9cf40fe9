// 2-D convolution: conv2dForward, conv2dBackwardData, conv2dBackwardFilter, conv2dOutputShape. The geometry
// (output size, the checks that make it valid) is computed here only; lib/ops/conv2d.ts asks for it.
#include "napi_util.h"
#include "registry.h"
#include "spatial.h"

namespace lth::binding {

namespace {

// Geometry of input [N,C,H,W] and weights [K,C,R,S] with opts.stride / opts.padding.
Conv2dGeom conv_geom(Args& a, const std::vector<int64_t>& xs, const std::vector<int64_t>& ws, const char* x_name) {
  LTH_CHECK(xs[1] == ws[1], code::kShape, a.op(), ": ", x_name, " has ", xs[1], " channels but the weights expect ",
            ws[1]);
  auto [sh, sw] = a.pair(a.opt("stride"), "stride", 1, {1, 1});
  auto [ph, pw] = a.pair(a.opt("padding"), "padding", 0, {0, 0});
  Conv2dGeom g{xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], sh, sw, ph, pw, 0, 0};
  g.P = sliding_output(a, "kernel height", g.H, g.R, sh, ph);
  g.Q = sliding_output(a, "kernel width", g.W, g.S, sw, pw);
  a.checked_shape({g.N, g.K, g.P, g.Q}, "output shape");
  return g;
}

Tensor* mask_arg(Args& a, const std::vector<int64_t>& ws) {
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8(4));
  if (mask) a.expect_shape(*mask, ws, "mask");
  return mask;
}

// conv2dOutputShape(xShape, wShape, { stride, padding }) -> [N,K,P,Q]
Napi::Value Conv2dOutputShape(const Napi::CallbackInfo& info) {
  Args a(info, "conv2dOutputShape");
  auto xs = a.shape(a.at(0), "xShape", 4);
  auto ws = a.shape(a.at(1), "wShape", 4);
  a.options(2);
  Conv2dGeom g = conv_geom(a, xs, ws, "x");
  return shape_value(a.env(), {g.N, g.K, g.P, g.Q});
}

// conv2dForward(x, w, { stride, padding, mask, bias, out }): y = conv(x, w ⊙ mask) + bias[K]
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Args a(info, "conv2dForward");
  Tensor& x = a.tensor(a.at(0), "x", f32(4));
  Tensor& w = a.tensor(a.at(1), "w", f32(4));
  a.options(2);
  Conv2dGeom g = conv_geom(a, x.shape, w.shape, "x");
  Tensor* mask = mask_arg(a, w.shape);
  Tensor* bias = a.optional_tensor(a.opt("bias"), "bias", f32(1));
  if (bias) a.expect_shape(*bias, {g.K}, "bias");
  auto y = a.output(a.opt("out"), "out", DType::F32, {g.N, g.K, g.P, g.Q});
  Device d = a.finish();
  LTH_DISPATCH(d, conv2d_forward, g, x.data<float>(), w.data<float>(), ptr<uint8_t>(mask), ptr<float>(bias),
               y.data<float>());
  return y.js(a.env());
}

// conv2dBackwardData(dy, w, inputShape, { stride, padding, mask, out }) -> dx [N,C,H,W]
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  Args a(info, "conv2dBackwardData");
  Tensor& dy = a.tensor(a.at(0), "dy", f32(4));
  Tensor& w = a.tensor(a.at(1), "w", f32(4));
  auto xs = a.shape(a.at(2), "inputShape", 4);
  a.options(3);
  Conv2dGeom g = conv_geom(a, xs, w.shape, "input");
  Tensor* mask = mask_arg(a, w.shape);
  a.expect_shape(dy, {g.N, g.K, g.P, g.Q}, "dy");
  auto dx = a.output(a.opt("out"), "out", DType::F32, xs);
  Device d = a.finish();
  LTH_DISPATCH(d, conv2d_backward_data, g, dy.data<float>(), w.data<float>(), ptr<uint8_t>(mask), dx.data<float>());
  return dx.js(a.env());
}

// conv2dBackwardFilter(x, dy, weightShape, { stride, padding, mask, dw, db }) -> { dw, db }
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  Args a(info, "conv2dBackwardFilter");
  Tensor& x = a.tensor(a.at(0), "x", f32(4));
  Tensor& dy = a.tensor(a.at(1), "dy", f32(4));
  auto ws = a.shape(a.at(2), "weightShape", 4);
  a.options(3);
  Conv2dGeom g = conv_geom(a, x.shape, ws, "x");
  Tensor* mask = mask_arg(a, ws);
  a.expect_shape(dy, {g.N, g.K, g.P, g.Q}, "dy");
  auto dw = a.output(a.opt("dw"), "dw", DType::F32, ws);
  auto db = a.grad(a.opt("db"), "db", {g.K});
  Device d = a.finish();
  LTH_DISPATCH(d, conv2d_backward_filter, g, x.data<float>(), dy.data<float>(), ptr<uint8_t>(mask), dw.data<float>(),
               db.data<float>());
  return result(a.env(), {{"dw", dw.js(a.env())}, {"db", db.js(a.env())}});
}

}  // namespace

void register_conv2d(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "conv2dOutputShape", Conv2dOutputShape);
  export_fn(env, exports, "conv2dForward", Conv2dForward);
  export_fn(env, exports, "conv2dBackwardData", Conv2dBackwardData);
  export_fn(env, exports, "conv2dBackwardFilter", Conv2dBackwardFilter);
}

}  // namespace lth::binding
