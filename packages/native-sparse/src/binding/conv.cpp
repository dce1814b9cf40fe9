// JS bindings for the convolution ops: conv2dForward, conv2dBackwardData, conv2dBackwardFilter.
// Geometry comes from the tensors' shapes plus stride and padding; every shape is re-checked here.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct StridePad {
  int64_t sh, sw, ph, pw;
};

// Arguments i..i+3: strideH, strideW, padH, padW.
StridePad stride_pad_args(const Napi::CallbackInfo& info, size_t i, const char* op) {
  StridePad a{int_arg(info, i, op, "strideH"), int_arg(info, i + 1, op, "strideW"), int_arg(info, i + 2, op, "padH"),
              int_arg(info, i + 3, op, "padW")};
  LTH_CHECK(a.sh >= 1 && a.sw >= 1, code::kArg, op, ": stride must be >= 1, got [", a.sh, ",", a.sw, "]");
  LTH_CHECK(a.ph >= 0 && a.pw >= 0, code::kArg, op, ": padding must be >= 0, got [", a.ph, ",", a.pw, "]");
  return a;
}

void expect_rank4_f32(const Tensor& t, const char* op, const char* name) {
  expect_dtype(t, DType::F32, op, name);
  LTH_CHECK(t.shape.size() == 4, code::kShape, op, ": '", name, "' must be rank 4, got ", t.describe());
}

// Geometry from input [N,C,H,W] and weights [K,C,R,S] shapes.
Conv2dGeom make_geom(const std::vector<int64_t>& xs, const std::vector<int64_t>& ws, const StridePad& a,
                     const char* op) {
  LTH_CHECK(xs[1] == ws[1], code::kShape, op, ": input has ", xs[1], " channels but the weights expect ", ws[1]);
  Conv2dGeom g{xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], a.sh, a.sw, a.ph, a.pw, 0, 0};
  LTH_CHECK(g.H + 2 * g.pad_h >= g.R && g.W + 2 * g.pad_w >= g.S, code::kShape, op, ": kernel ", g.R, "x", g.S,
            " is larger than the padded input ", g.H + 2 * g.pad_h, "x", g.W + 2 * g.pad_w);
  g.P = (g.H + 2 * g.pad_h - g.R) / g.stride_h + 1;
  g.Q = (g.W + 2 * g.pad_w - g.S) / g.stride_w + 1;
  return g;
}

void check_mask(const Tensor* mask, const std::vector<int64_t>& ws, const char* op) {
  if (!mask) return;
  expect_dtype(*mask, DType::U8, op, "mask");
  LTH_CHECK(mask->shape == ws, code::kShape, op, ": mask ", mask->describe(), " must have the weights' shape");
}

// conv2dForward(x, w, mask|null, bias|null, strideH, strideW, padH, padW, y)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  const char* op = "conv2dForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& w = tensor_arg(info, 1, op, "w");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor* bias = optional_tensor_arg(info, 3, op, "bias");
  StridePad a = stride_pad_args(info, 4, op);
  Tensor& y = tensor_arg(info, 8, op, "y");
  expect_rank4_f32(x, op, "x");
  expect_rank4_f32(w, op, "w");
  Conv2dGeom g = make_geom(x.shape, w.shape, a, op);
  check_mask(mask, w.shape, op);
  if (bias) expect_dtype(*bias, DType::F32, op, "bias"), expect_shape(*bias, {g.K}, op, "bias");
  expect_dtype(y, DType::F32, op, "y");
  expect_shape(y, {g.N, g.K, g.P, g.Q}, op, "y");
  Device d = common_device({&x, &w, mask, bias, &y}, op);
  LTH_DISPATCH(d, conv2d_forward, g, x.data<float>(), w.data<float>(), ptr<uint8_t>(mask), ptr<float>(bias),
               y.data<float>());
  return info.Env().Undefined();
}

// conv2dBackwardData(dy, w, mask|null, strideH, strideW, padH, padW, dx); dx's shape gives the input size.
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  const char* op = "conv2dBackwardData";
  Tensor& dy = tensor_arg(info, 0, op, "dy");
  Tensor& w = tensor_arg(info, 1, op, "w");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  StridePad a = stride_pad_args(info, 3, op);
  Tensor& dx = tensor_arg(info, 7, op, "dx");
  expect_rank4_f32(dy, op, "dy");
  expect_rank4_f32(w, op, "w");
  expect_rank4_f32(dx, op, "dx");
  Conv2dGeom g = make_geom(dx.shape, w.shape, a, op);
  check_mask(mask, w.shape, op);
  expect_shape(dy, {g.N, g.K, g.P, g.Q}, op, "dy");
  Device d = common_device({&dy, &w, mask, &dx}, op);
  LTH_DISPATCH(d, conv2d_backward_data, g, dy.data<float>(), w.data<float>(), ptr<uint8_t>(mask), dx.data<float>());
  return info.Env().Undefined();
}

// conv2dBackwardFilter(x, dy, mask|null, strideH, strideW, padH, padW, dw, db|null); dw's shape gives the
// kernel size.
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  const char* op = "conv2dBackwardFilter";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& dy = tensor_arg(info, 1, op, "dy");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  StridePad a = stride_pad_args(info, 3, op);
  Tensor& dw = tensor_arg(info, 7, op, "dw");
  Tensor* db = optional_tensor_arg(info, 8, op, "db");
  expect_rank4_f32(x, op, "x");
  expect_rank4_f32(dy, op, "dy");
  expect_rank4_f32(dw, op, "dw");
  Conv2dGeom g = make_geom(x.shape, dw.shape, a, op);
  check_mask(mask, dw.shape, op);
  expect_shape(dy, {g.N, g.K, g.P, g.Q}, op, "dy");
  if (db) expect_dtype(*db, DType::F32, op, "db"), expect_shape(*db, {g.K}, op, "db");
  Device d = common_device({&x, &dy, mask, &dw, db}, op);
  LTH_DISPATCH(d, conv2d_backward_filter, g, x.data<float>(), dy.data<float>(), ptr<uint8_t>(mask),
               dw.data<float>(), ptr<float>(db));
  return info.Env().Undefined();
}

}  // namespace

void register_conv(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "conv2dForward", Conv2dForward);
  export_fn(env, exports, "conv2dBackwardData", Conv2dBackwardData);
  export_fn(env, exports, "conv2dBackwardFilter", Conv2dBackwardFilter);
}

}  // namespace lth::binding
