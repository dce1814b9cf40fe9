// ReLU: relu (out may be x) and reluBackward (out may be y or dy).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// relu(x, { out }) -> y = max(x, 0)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  Args a(info, "relu");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  a.options(1);
  auto y = a.output(a.opt("out"), "out", DType::F32, x.shape, {"x"});
  Device d = a.finish();
  LTH_DISPATCH(d, relu_forward, x.numel(), x.data<float>(), y.data<float>());
  return y.js(a.env());
}

// reluBackward(y, dy, { out }) -> dx = dy where y > 0 (y is relu's output)
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  Args a(info, "reluBackward");
  Tensor& y = a.tensor(a.at(0), "y", f32());
  Tensor& dy = a.tensor(a.at(1), "dy", f32());
  a.expect_shape(dy, y.shape, "dy");
  a.options(2);
  auto dx = a.output(a.opt("out"), "out", DType::F32, y.shape, {"y", "dy"});
  Device d = a.finish();
  LTH_DISPATCH(d, relu_backward, y.numel(), y.data<float>(), dy.data<float>(), dx.data<float>());
  return dx.js(a.env());
}

}  // namespace

void register_relu(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "relu", Relu);
  export_fn(env, exports, "reluBackward", ReluBackward);
}

}  // namespace lth::binding
