// flipTranslate(src [n,C,H,W] f32, params [n,3] i32 (flip, dy, dx), { out }) -> out (not src): the flip +
// translate augmentation of an image batch on its device.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value FlipTranslate(const Napi::CallbackInfo& info) {
  Args a(info, "flipTranslate");
  Tensor& src = a.tensor(a.at(0), "src", f32(4));
  Tensor& params = a.tensor(a.at(1), "params", i32(2));
  a.expect_shape(params, {src.shape[0], 3}, "params");
  a.options(2);
  auto out = a.output(a.opt("out"), "out", DType::F32, src.shape);
  Device d = a.finish();
  LTH_DISPATCH(d, flip_translate, src.shape[0], src.shape[1], src.shape[2], src.shape[3], params.data<int32_t>(),
               src.data<float>(), out.data<float>());
  return out.js(a.env());
}

}  // namespace

void register_flip_translate(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "flipTranslate", FlipTranslate);
}

}  // namespace lth::binding
