// Inverted dropout, seeded and counter-based: dropout (out may be x) and dropoutBackward (out may be dy).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// p in [0, 1), also after rounding to float32.
float drop_p(Args& a, Napi::Value v) {
  const double p = a.number(v, "p", 0, 1);
  LTH_CHECK(p < 1.0 && static_cast<float>(p) < 1.0f, code::kArg, a.op(),
            ": 'p' must be in [0, 1) (in float32 too), got ", p);
  return static_cast<float>(p);
}

// dropout(x, p, seed, { out, keep }) -> { y, keep }
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  Args a(info, "dropout");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  const float p = drop_p(a, a.at(1));
  const uint64_t seed = a.seed(a.at(2), "seed");
  a.options(3);
  auto y = a.output(a.opt("out"), "out", DType::F32, x.shape, {"x"});
  auto keep = a.output(a.opt("keep"), "keep", DType::U8, x.shape);
  Device d = a.finish();
  LTH_DISPATCH(d, dropout_forward, x.numel(), p, seed, x.data<float>(), y.data<float>(), keep.data<uint8_t>());
  return result(a.env(), {{"y", y.js(a.env())}, {"keep", keep.js(a.env())}});
}

// dropoutBackward(dy, keep, p, { out }) -> dx = keep ? dy / (1 − p) : 0
Napi::Value DropoutBackward(const Napi::CallbackInfo& info) {
  Args a(info, "dropoutBackward");
  Tensor& dy = a.tensor(a.at(0), "dy", f32());
  Tensor& keep = a.tensor(a.at(1), "keep", u8());
  const float p = drop_p(a, a.at(2));
  a.expect_shape(keep, dy.shape, "keep");
  a.options(3);
  auto dx = a.output(a.opt("out"), "out", DType::F32, dy.shape, {"dy"});
  Device d = a.finish();
  LTH_DISPATCH(d, dropout_backward, dy.numel(), p, keep.data<uint8_t>(), dy.data<float>(), dx.data<float>());
  return dx.js(a.env());
}

}  // namespace

void register_dropout(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "dropout", Dropout);
  export_fn(env, exports, "dropoutBackward", DropoutBackward);
}

}  // namespace lth::binding
