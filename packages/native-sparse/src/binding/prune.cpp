// JS bindings for pruning: magnitudePrune, countNonzero, shuffleMask.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

std::vector<Napi::Value> array_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsArray()) fail(code::kArg, op, ": argument '", name, "' must be an array");
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<Napi::Value> out;
  for (uint32_t k = 0; k < a.Length(); ++k) out.push_back(a.Get(k));
  return out;
}

Tensor* element_tensor(Napi::Value v, bool optional, const char* op, const std::string& name) {
  if (optional && (v.IsNull() || v.IsUndefined())) return nullptr;
  if (!TensorWrap::IsInstance(v)) fail(code::kArg, op, ": '", name, "' must be a Tensor");
  Tensor& t = TensorWrap::Unwrap(v.As<Napi::Object>())->tensor();
  LTH_CHECK(!t.disposed(), code::kDisposed, op, ": tensor '", name, "' was disposed");
  return &t;
}

// magnitudePrune(weights[], masksIn[] (entries may be null), masksOut[], count)
Napi::Value MagnitudePrune(const Napi::CallbackInfo& info) {
  const char* op = "magnitudePrune";
  auto ws = array_arg(info, 0, op, "weights");
  auto ins = array_arg(info, 1, op, "masksIn");
  auto outs = array_arg(info, 2, op, "masksOut");
  int64_t count = int_arg(info, 3, op, "count");
  LTH_CHECK(ins.size() == ws.size() && outs.size() == ws.size(), code::kArg, op, ": ", ws.size(), " weights need as many ",
            "input and output masks, got ", ins.size(), " and ", outs.size());
  std::vector<PruneTarget> targets;
  std::vector<Tensor*> w(ws.size()), mi(ws.size()), mo(ws.size());
  for (size_t t = 0; t < ws.size(); ++t) {
    const std::string k = "[" + std::to_string(t) + "]";
    w[t] = element_tensor(ws[t], false, op, "weights" + k);
    mi[t] = element_tensor(ins[t], true, op, "masksIn" + k);
    mo[t] = element_tensor(outs[t], false, op, "masksOut" + k);
    expect_dtype(*w[t], DType::F32, op, ("weights" + k).c_str());
    expect_dtype(*mo[t], DType::U8, op, ("masksOut" + k).c_str());
    expect_numel(*mo[t], w[t]->numel(), op, ("masksOut" + k).c_str());
    if (mi[t]) {
      expect_dtype(*mi[t], DType::U8, op, ("masksIn" + k).c_str());
      expect_numel(*mi[t], w[t]->numel(), op, ("masksIn" + k).c_str());
    }
    LTH_CHECK(w[t]->device == w[0]->device && mo[t]->device == w[0]->device && (!mi[t] || mi[t]->device == w[0]->device),
              code::kDevice, op, ": all tensors must be on one device");
  }
  // An output mask may share memory only with its own input mask.
  for (size_t t = 0; t < ws.size(); ++t) {
    for (size_t s = 0; s < ws.size(); ++s) {
      if (s == t) continue;
      LTH_CHECK(mo[t]->buffer != mo[s]->buffer && (!mi[s] || mo[t]->buffer != mi[s]->buffer), code::kAlias, op,
                ": masksOut[", t, "] shares memory with the masks of target ", s);
    }
  }
  for (size_t t = 0; t < ws.size(); ++t)
    targets.push_back({w[t]->data<float>(), ptr<uint8_t>(mi[t]), mo[t]->data<uint8_t>(), w[t]->numel()});
  Device d = ws.empty() ? Device::CPU : w[0]->device;
  LTH_DISPATCH(d, magnitude_prune, targets, count);
  return info.Env().Undefined();
}

// countNonzero(mask) -> number
Napi::Value CountNonzero(const Napi::CallbackInfo& info) {
  const char* op = "countNonzero";
  Tensor& m = tensor_arg(info, 0, op, "mask");
  expect_dtype(m, DType::U8, op, "mask");
  int64_t k = LTH_DISPATCH(m.device, count_nonzero, m.numel(), m.data<uint8_t>());
  return Napi::Number::New(info.Env(), static_cast<double>(k));
}

// shuffleMask(in, seed, out)
Napi::Value ShuffleMask(const Napi::CallbackInfo& info) {
  const char* op = "shuffleMask";
  Tensor& in = tensor_arg(info, 0, op, "mask");
  uint64_t seed = seed_arg(info, 1, op, "seed");
  Tensor& out = tensor_arg(info, 2, op, "out");
  expect_dtype(in, DType::U8, op, "mask");
  expect_dtype(out, DType::U8, op, "out");
  expect_numel(out, in.numel(), op, "out");
  Device d = common_device({&in, &out}, op);
  LTH_DISPATCH(d, shuffle_mask, in.numel(), seed, in.data<uint8_t>(), out.data<uint8_t>());
  return info.Env().Undefined();
}

}  // namespace

void register_prune(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "magnitudePrune", MagnitudePrune);
  export_fn(env, exports, "countNonzero", CountNonzero);
  export_fn(env, exports, "shuffleMask", ShuffleMask);
}

}  // namespace lth::binding
