// Mask ops: countNonzero(mask) and shuffleMask(mask, seed, { out }) (a seeded permutation; out may be mask).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value CountNonzero(const Napi::CallbackInfo& info) {
  Args a(info, "countNonzero");
  Tensor& m = a.tensor(a.at(0), "mask", u8());
  Device d = a.finish();
  int64_t k = LTH_DISPATCH(d, count_nonzero, m.numel(), m.data<uint8_t>());
  return Napi::Number::New(info.Env(), static_cast<double>(k));
}

Napi::Value ShuffleMask(const Napi::CallbackInfo& info) {
  Args a(info, "shuffleMask");
  Tensor& in = a.tensor(a.at(0), "mask", u8());
  const uint64_t seed = a.seed(a.at(1), "seed");
  a.options(2);
  auto out = a.output(a.opt("out"), "out", DType::U8, in.shape, {"mask"});
  Device d = a.finish();
  LTH_DISPATCH(d, shuffle_mask, in.numel(), seed, in.data<uint8_t>(), out.data<uint8_t>());
  return out.js(a.env());
}

}  // namespace

void register_mask_ops(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "countNonzero", CountNonzero);
  export_fn(env, exports, "shuffleMask", ShuffleMask);
}

}  // namespace lth::binding
