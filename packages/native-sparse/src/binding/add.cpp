// Residual add: add(a, b, { out }) -> a + b (same shapes; out may be a or b).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value Add(const Napi::CallbackInfo& info) {
  Args a(info, "add");
  Tensor& x = a.tensor(a.at(0), "a", f32());
  Tensor& y = a.tensor(a.at(1), "b", f32());
  a.expect_shape(y, x.shape, "b");
  a.options(2);
  auto out = a.output(a.opt("out"), "out", DType::F32, x.shape, {"a", "b"});
  Device d = a.finish();
  LTH_DISPATCH(d, add_forward, x.numel(), x.data<float>(), y.data<float>(), out.data<float>());
  return out.js(a.env());
}

}  // namespace

void register_add(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "add", Add); }

}  // namespace lth::binding
