// JS bindings for the pooling ops: maxPool2dForward/Backward, avgPool2dForward/Backward,
// globalAvgPoolForward/Backward.
#include <limits>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

void expect_rank4_f32(const Tensor& t, const char* op, const char* name) {
  expect_dtype(t, DType::F32, op, name);
  LTH_CHECK(t.shape.size() == 4, code::kShape, op, ": '", name, "' must be rank 4, got ", t.describe());
}

// Arguments i..i+5: kernelH, kernelW, strideH, strideW, padH, padW; input shape [N,C,H,W].
// Padding may be at most half the kernel (PyTorch's rule), so every window holds an input element.
Pool2dGeom pool_geom(const Napi::CallbackInfo& info, size_t i, const std::vector<int64_t>& xs, const char* op) {
  Pool2dGeom g{xs[0], xs[1], xs[2], xs[3], int_arg(info, i, op, "kernelH"), int_arg(info, i + 1, op, "kernelW"),
               int_arg(info, i + 2, op, "strideH"), int_arg(info, i + 3, op, "strideW"),
               int_arg(info, i + 4, op, "padH"), int_arg(info, i + 5, op, "padW"), 0, 0};
  LTH_CHECK(g.kh >= 1 && g.kw >= 1, code::kArg, op, ": kernel size must be >= 1, got [", g.kh, ",", g.kw, "]");
  LTH_CHECK(g.stride_h >= 1 && g.stride_w >= 1, code::kArg, op, ": stride must be >= 1, got [", g.stride_h, ",",
            g.stride_w, "]");
  LTH_CHECK(g.pad_h >= 0 && g.pad_w >= 0 && 2 * g.pad_h <= g.kh && 2 * g.pad_w <= g.kw, code::kArg, op,
            ": padding must be in [0, kernel/2], got [", g.pad_h, ",", g.pad_w, "] for kernel [", g.kh, ",", g.kw, "]");
  LTH_CHECK(g.H + 2 * g.pad_h >= g.kh && g.W + 2 * g.pad_w >= g.kw, code::kShape, op, ": window ", g.kh, "x", g.kw,
            " is larger than the padded input ", g.H + 2 * g.pad_h, "x", g.W + 2 * g.pad_w);
  LTH_CHECK(g.H * g.W <= std::numeric_limits<int32_t>::max(), code::kShape, op, ": input plane ", g.H, "x", g.W,
            " is too large for i32 argmax indices");
  g.P = (g.H + 2 * g.pad_h - g.kh) / g.stride_h + 1;
  g.Q = (g.W + 2 * g.pad_w - g.kw) / g.stride_w + 1;
  return g;
}

// maxPool2dForward(x, kh, kw, sh, sw, ph, pw, y, argmax)
Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info) {
  const char* op = "maxPool2dForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  expect_rank4_f32(x, op, "x");
  Pool2dGeom g = pool_geom(info, 1, x.shape, op);
  Tensor& y = tensor_arg(info, 7, op, "y");
  Tensor& argmax = tensor_arg(info, 8, op, "argmax");
  expect_dtype(y, DType::F32, op, "y");
  expect_shape(y, {g.N, g.C, g.P, g.Q}, op, "y");
  expect_dtype(argmax, DType::I32, op, "argmax");
  expect_shape(argmax, {g.N, g.C, g.P, g.Q}, op, "argmax");
  Device d = common_device({&x, &y, &argmax}, op);
  expect_no_alias({&y, "y"}, {{&x, "x"}, {&argmax, "argmax"}}, op);
  expect_no_alias({&argmax, "argmax"}, {{&x, "x"}}, op);
  LTH_DISPATCH(d, maxpool2d_forward, g, x.data<float>(), y.data<float>(), argmax.data<int32_t>());
  return info.Env().Undefined();
}

// maxPool2dBackward(dy, argmax, kh, kw, sh, sw, ph, pw, dx); dx's shape gives the input size.
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  const char* op = "maxPool2dBackward";
  Tensor& dy = tensor_arg(info, 0, op, "dy");
  Tensor& argmax = tensor_arg(info, 1, op, "argmax");
  Tensor& dx = tensor_arg(info, 8, op, "dx");
  expect_rank4_f32(dx, op, "dx");
  Pool2dGeom g = pool_geom(info, 2, dx.shape, op);
  expect_dtype(dy, DType::F32, op, "dy");
  expect_shape(dy, {g.N, g.C, g.P, g.Q}, op, "dy");
  expect_dtype(argmax, DType::I32, op, "argmax");
  expect_shape(argmax, {g.N, g.C, g.P, g.Q}, op, "argmax");
  Device d = common_device({&dy, &argmax, &dx}, op);
  expect_no_alias({&dx, "dx"}, {{&dy, "dy"}, {&argmax, "argmax"}}, op);
  LTH_DISPATCH(d, maxpool2d_backward, g, dy.data<float>(), argmax.data<int32_t>(), dx.data<float>());
  return info.Env().Undefined();
}

// avgPool2dForward(x, kh, kw, sh, sw, ph, pw, countIncludePad, y)
Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info) {
  const char* op = "avgPool2dForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  expect_rank4_f32(x, op, "x");
  Pool2dGeom g = pool_geom(info, 1, x.shape, op);
  bool include_pad = bool_arg(info, 7, op, "countIncludePad");
  Tensor& y = tensor_arg(info, 8, op, "y");
  expect_dtype(y, DType::F32, op, "y");
  expect_shape(y, {g.N, g.C, g.P, g.Q}, op, "y");
  Device d = common_device({&x, &y}, op);
  expect_no_alias({&y, "y"}, {{&x, "x"}}, op);
  LTH_DISPATCH(d, avgpool2d_forward, g, include_pad, x.data<float>(), y.data<float>());
  return info.Env().Undefined();
}

// avgPool2dBackward(dy, kh, kw, sh, sw, ph, pw, countIncludePad, dx); dx's shape gives the input size.
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  const char* op = "avgPool2dBackward";
  Tensor& dy = tensor_arg(info, 0, op, "dy");
  Tensor& dx = tensor_arg(info, 8, op, "dx");
  expect_rank4_f32(dx, op, "dx");
  Pool2dGeom g = pool_geom(info, 1, dx.shape, op);
  bool include_pad = bool_arg(info, 7, op, "countIncludePad");
  expect_dtype(dy, DType::F32, op, "dy");
  expect_shape(dy, {g.N, g.C, g.P, g.Q}, op, "dy");
  Device d = common_device({&dy, &dx}, op);
  expect_no_alias({&dx, "dx"}, {{&dy, "dy"}}, op);
  LTH_DISPATCH(d, avgpool2d_backward, g, include_pad, dy.data<float>(), dx.data<float>());
  return info.Env().Undefined();
}

// x [N,C,spatial...] (rank >= 3) -> N, C, HW (HW >= 1).
void global_dims(const Tensor& x, const char* op, const char* name, int64_t& N, int64_t& C, int64_t& HW) {
  expect_dtype(x, DType::F32, op, name);
  LTH_CHECK(x.shape.size() >= 3, code::kShape, op, ": '", name, "' must be [N,C,H,W] (rank >= 3), got ", x.describe());
  N = x.shape[0];
  C = x.shape[1];
  HW = 1;
  for (size_t i = 2; i < x.shape.size(); ++i) HW *= x.shape[i];
  LTH_CHECK(HW >= 1, code::kShape, op, ": '", name, "' has an empty spatial extent: ", x.describe());
}

// globalAvgPoolForward(x, y): x [N,C,H,W] -> y [N,C]
Napi::Value GlobalAvgPoolForward(const Napi::CallbackInfo& info) {
  const char* op = "globalAvgPoolForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& y = tensor_arg(info, 1, op, "y");
  int64_t N, C, HW;
  global_dims(x, op, "x", N, C, HW);
  expect_dtype(y, DType::F32, op, "y");
  expect_shape(y, {N, C}, op, "y");
  Device d = common_device({&x, &y}, op);
  expect_no_alias({&y, "y"}, {{&x, "x"}}, op);
  LTH_DISPATCH(d, global_avgpool_forward, N, C, HW, x.data<float>(), y.data<float>());
  return info.Env().Undefined();
}

// globalAvgPoolBackward(dy, dx): dy [N,C] -> dx [N,C,H,W]
Napi::Value GlobalAvgPoolBackward(const Napi::CallbackInfo& info) {
  const char* op = "globalAvgPoolBackward";
  Tensor& dy = tensor_arg(info, 0, op, "dy");
  Tensor& dx = tensor_arg(info, 1, op, "dx");
  int64_t N, C, HW;
  global_dims(dx, op, "dx", N, C, HW);
  expect_dtype(dy, DType::F32, op, "dy");
  expect_shape(dy, {N, C}, op, "dy");
  Device d = common_device({&dy, &dx}, op);
  expect_no_alias({&dx, "dx"}, {{&dy, "dy"}}, op);
  LTH_DISPATCH(d, global_avgpool_backward, N, C, HW, dy.data<float>(), dx.data<float>());
  return info.Env().Undefined();
}

}  // namespace

void register_pool(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "maxPool2dForward", MaxPool2dForward);
  export_fn(env, exports, "maxPool2dBackward", MaxPool2dBackward);
  export_fn(env, exports, "avgPool2dForward", AvgPool2dForward);
  export_fn(env, exports, "avgPool2dBackward", AvgPool2dBackward);
  export_fn(env, exports, "globalAvgPoolForward", GlobalAvgPoolForward);
  export_fn(env, exports, "globalAvgPoolBackward", GlobalAvgPoolBackward);
}

}  // namespace lth::binding
