// 2-D pooling over NCHW: maxPool2d (with i32 argmax indices), maxPool2dBackward, avgPool2d (count_include_pad
// like PyTorch), avgPool2dBackward, pool2dOutputShape. The geometry is computed here only.
#include <limits>

#include "napi_util.h"
#include "registry.h"
#include "spatial.h"

namespace lth::binding {

namespace {

// Geometry of input [N,C,H,W] with opts (required) kernelSize, stride (default: the kernel), padding (at most
// half the kernel, PyTorch's rule, so every window holds an input element).
Pool2dGeom pool_geom(Args& a, const std::vector<int64_t>& xs, size_t opts_at) {
  a.options(opts_at, true);
  LTH_CHECK(!a.opt("kernelSize").IsUndefined(), code::kArg, a.op(), ": option 'kernelSize' is required");
  auto [kh, kw] = a.pair(a.opt("kernelSize"), "kernelSize", 1, {1, 1});
  auto [sh, sw] = a.pair(a.opt("stride"), "stride", 1, {kh, kw});
  auto [ph, pw] = a.pair(a.opt("padding"), "padding", 0, {0, 0});
  LTH_CHECK(2 * ph <= kh && 2 * pw <= kw, code::kArg, a.op(), ": padding [", ph, ",", pw,
            "] must be at most half the kernel [", kh, ",", kw, "]");
  Pool2dGeom g{xs[0], xs[1], xs[2], xs[3], kh, kw, sh, sw, ph, pw, 0, 0};
  g.P = sliding_output(a, "window height", g.H, kh, sh, ph);
  g.Q = sliding_output(a, "window width", g.W, kw, sw, pw);
  a.checked_shape({g.N, g.C, g.P, g.Q}, "output shape");
  return g;
}

std::vector<int64_t> out_shape(const Pool2dGeom& g) { return {g.N, g.C, g.P, g.Q}; }

void expect_argmax_plane(const Args& a, const Pool2dGeom& g) {
  LTH_CHECK(g.H * g.W <= std::numeric_limits<int32_t>::max(), code::kShape, a.op(), ": input plane ", g.H, "x", g.W,
            " is too large for i32 argmax indices");
}

// pool2dOutputShape(inputShape, { kernelSize, stride, padding }) -> [N,C,P,Q]
Napi::Value Pool2dOutputShape(const Napi::CallbackInfo& info) {
  Args a(info, "pool2dOutputShape");
  return shape_value(a.env(), out_shape(pool_geom(a, a.shape(a.at(0), "inputShape", 4), 1)));
}

// maxPool2d(x, { kernelSize, stride, padding, out, argmax }) -> { y, argmax }; padding counts as −inf.
Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
  Args a(info, "maxPool2d");
  Tensor& x = a.tensor(a.at(0), "x", f32(4));
  Pool2dGeom g = pool_geom(a, x.shape, 1);
  expect_argmax_plane(a, g);
  auto y = a.output(a.opt("out"), "out", DType::F32, out_shape(g));
  auto argmax = a.output(a.opt("argmax"), "argmax", DType::I32, out_shape(g));
  Device d = a.finish();
  LTH_DISPATCH(d, maxpool2d_forward, g, x.data<float>(), y.data<float>(), argmax.data<int32_t>());
  return result(a.env(), {{"y", y.js(a.env())}, {"argmax", argmax.js(a.env())}});
}

// maxPool2dBackward(dy, argmax, inputShape, { kernelSize, stride, padding, out }) -> dx
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  Args a(info, "maxPool2dBackward");
  Tensor& dy = a.tensor(a.at(0), "dy", f32(4));
  Tensor& argmax = a.tensor(a.at(1), "argmax", i32(4));
  auto xs = a.shape(a.at(2), "inputShape", 4);
  Pool2dGeom g = pool_geom(a, xs, 3);
  expect_argmax_plane(a, g);
  a.expect_shape(dy, out_shape(g), "dy");
  a.expect_shape(argmax, out_shape(g), "argmax");
  auto dx = a.output(a.opt("out"), "out", DType::F32, xs);
  Device d = a.finish();
  LTH_DISPATCH(d, maxpool2d_backward, g, dy.data<float>(), argmax.data<int32_t>(), dx.data<float>());
  return dx.js(a.env());
}

// avgPool2d(x, { kernelSize, stride, padding, countIncludePad, out }) -> y
Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
  Args a(info, "avgPool2d");
  Tensor& x = a.tensor(a.at(0), "x", f32(4));
  Pool2dGeom g = pool_geom(a, x.shape, 1);
  const bool include_pad = a.boolean_or(a.opt("countIncludePad"), "countIncludePad", true);
  auto y = a.output(a.opt("out"), "out", DType::F32, out_shape(g));
  Device d = a.finish();
  LTH_DISPATCH(d, avgpool2d_forward, g, include_pad, x.data<float>(), y.data<float>());
  return y.js(a.env());
}

// avgPool2dBackward(dy, inputShape, { kernelSize, stride, padding, countIncludePad, out }) -> dx
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  Args a(info, "avgPool2dBackward");
  Tensor& dy = a.tensor(a.at(0), "dy", f32(4));
  auto xs = a.shape(a.at(1), "inputShape", 4);
  Pool2dGeom g = pool_geom(a, xs, 2);
  const bool include_pad = a.boolean_or(a.opt("countIncludePad"), "countIncludePad", true);
  a.expect_shape(dy, out_shape(g), "dy");
  auto dx = a.output(a.opt("out"), "out", DType::F32, xs);
  Device d = a.finish();
  LTH_DISPATCH(d, avgpool2d_backward, g, include_pad, dy.data<float>(), dx.data<float>());
  return dx.js(a.env());
}

}  // namespace

void register_pool2d(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "pool2dOutputShape", Pool2dOutputShape);
  export_fn(env, exports, "maxPool2d", MaxPool2d);
  export_fn(env, exports, "maxPool2dBackward", MaxPool2dBackward);
  export_fn(env, exports, "avgPool2d", AvgPool2d);
  export_fn(env, exports, "avgPool2dBackward", AvgPool2dBackward);
}

}  // namespace lth::binding
