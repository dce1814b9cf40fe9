// Global average pooling: globalAvgPool [N,C,H,W] -> [N,C] and globalAvgPoolBackward.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct Planes {
  int64_t N, C, HW;
};

// [N,C,spatial...] (rank >= 3) with a nonempty spatial extent.
Planes planes(const Args& a, const std::vector<int64_t>& s, const char* name) {
  LTH_CHECK(s.size() >= 3, code::kShape, a.op(), ": '", name, "' must be [N,C,H,W] (rank >= 3), got rank ", s.size());
  Planes p{s[0], s[1], 1};
  for (size_t i = 2; i < s.size(); ++i) p.HW *= s[i];
  LTH_CHECK(p.HW >= 1, code::kShape, a.op(), ": '", name, "' has an empty spatial extent");
  return p;
}

// globalAvgPool(x, { out }) -> y [N,C]
Napi::Value GlobalAvgPool(const Napi::CallbackInfo& info) {
  Args a(info, "globalAvgPool");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  Planes p = planes(a, x.shape, "x");
  a.options(1);
  auto y = a.output(a.opt("out"), "out", DType::F32, {p.N, p.C});
  Device d = a.finish();
  LTH_DISPATCH(d, global_avgpool_forward, p.N, p.C, p.HW, x.data<float>(), y.data<float>());
  return y.js(a.env());
}

// globalAvgPoolBackward(dy [N,C], inputShape, { out }) -> dx: dy / (H·W) over each plane
Napi::Value GlobalAvgPoolBackward(const Napi::CallbackInfo& info) {
  Args a(info, "globalAvgPoolBackward");
  Tensor& dy = a.tensor(a.at(0), "dy", f32(2));
  auto xs = a.shape(a.at(1), "inputShape");
  Planes p = planes(a, xs, "inputShape");
  a.expect_shape(dy, {p.N, p.C}, "dy");
  a.options(2);
  auto dx = a.output(a.opt("out"), "out", DType::F32, xs);
  Device d = a.finish();
  LTH_DISPATCH(d, global_avgpool_backward, p.N, p.C, p.HW, dy.data<float>(), dx.data<float>());
  return dx.js(a.env());
}

}  // namespace

void register_global_avgpool(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "globalAvgPool", GlobalAvgPool);
  export_fn(env, exports, "globalAvgPoolBackward", GlobalAvgPoolBackward);
}

}  // namespace lth::binding
