// magnitudePrune(weights[], masks[] (entries may be null), count, { out[] }) -> out masks: prune exactly `count`
// alive weights over all tensors together, smallest |w| first. out[i] may be masks[i] (in place).
#include <string>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value MagnitudePrune(const Napi::CallbackInfo& info) {
  Args a(info, "magnitudePrune");
  auto ws = a.list(a.at(0), "weights");
  auto ms = a.list(a.at(1), "masks");
  const int64_t count = a.integer(a.at(2), "count", 0);
  a.options(3);
  const bool given = !a.opt("out").IsUndefined();
  auto outs = given ? a.list(a.opt("out"), "out") : std::vector<Napi::Value>(ws.size(), a.env().Undefined());
  LTH_CHECK(ms.size() == ws.size(), code::kArg, a.op(), ": ", ws.size(), " weights need ", ws.size(),
            " masks (null for none), got ", ms.size());
  LTH_CHECK(outs.size() == ws.size(), code::kArg, a.op(), ": ", ws.size(), " weights need ", ws.size(),
            " output masks, got ", outs.size());
  std::vector<Tensor*> w(ws.size()), m(ws.size());
  std::vector<Args::Out> o(ws.size());
  for (size_t t = 0; t < ws.size(); ++t) {
    const std::string k = "[" + std::to_string(t) + "]";
    w[t] = &a.tensor(ws[t], "weights" + k, f32());
    m[t] = a.optional_tensor(ms[t], "masks" + k, u8());
    if (m[t]) a.expect_shape(*m[t], w[t]->shape, "masks" + k);
    LTH_CHECK(!given || !(outs[t].IsUndefined() || outs[t].IsNull()), code::kArg, a.op(), ": 'out", k,
              "' must be a Tensor, got ", describe_value(outs[t]));
    o[t] = a.output(outs[t], "out" + k, DType::U8, w[t]->shape, {"masks" + k});
  }
  Device d = a.finish();
  std::vector<PruneTarget> targets;
  for (size_t t = 0; t < ws.size(); ++t)
    targets.push_back({w[t]->data<float>(), ptr<uint8_t>(m[t]), o[t].data<uint8_t>(), w[t]->numel()});
  LTH_DISPATCH(d, magnitude_prune, targets, count);
  Napi::Array r = Napi::Array::New(a.env(), o.size());
  for (size_t t = 0; t < o.size(); ++t) r.Set(static_cast<uint32_t>(t), o[t].js(a.env()));
  return r;
}

}  // namespace

void register_magnitude_prune(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "magnitudePrune", MagnitudePrune);
}

}  // namespace lth::binding
