// adamStep(w, g, { lr, step, m, v, mask | positions, beta1, beta2, eps, weightDecay, decoupled }): one Adam/AdamW
// step in place (PyTorch semantics); pruned positions end with w = m = v = 0; with `positions` (flat indices,
// strictly ascending) only those entries are read and written.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Args a(info, "adamStep");
  Tensor& w = a.state(a.at(0), "w", f32());
  Tensor& g = a.tensor(a.at(1), "g", f32());
  a.options(2, true);
  Tensor& m = a.state(a.opt("m"), "m", f32());
  Tensor& v = a.state(a.opt("v"), "v", f32());
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8());
  Tensor* positions = a.optional_tensor(a.opt("positions"), "positions", i32(1));
  LTH_CHECK(!(mask && positions), code::kArg, a.op(), ": 'mask' and 'positions' exclude each other (pass one)");
  for (auto [t, name] : {std::pair{&g, "g"}, {&m, "m"}, {&v, "v"}, {mask, "mask"}}) a.expect_numel_of(t, w, name, "w");
  AdamParams p{};
  p.lr = static_cast<float>(a.number(a.opt("lr"), "lr", 0));
  p.step = a.integer(a.opt("step"), "step", 1);
  p.beta1 = static_cast<float>(a.number_or(a.opt("beta1"), "beta1", 0.9, 0, 1));
  p.beta2 = static_cast<float>(a.number_or(a.opt("beta2"), "beta2", 0.999, 0, 1));
  LTH_CHECK(p.beta1 < 1 && p.beta2 < 1, code::kArg, a.op(), ": 'beta1' and 'beta2' must be in [0, 1), got ", p.beta1,
            ", ", p.beta2);
  p.eps = static_cast<float>(a.number_or(a.opt("eps"), "eps", 1e-8, 0));
  p.weight_decay = static_cast<float>(a.number_or(a.opt("weightDecay"), "weightDecay", 0, 0));
  p.decoupled = a.boolean_or(a.opt("decoupled"), "decoupled", false);
  Device d = a.finish();
  if (positions)
    LTH_DISPATCH(d, adam_step_at, positions->numel(), positions->data<int32_t>(), w.numel(), p, w.data<float>(),
                 g.data<float>(), m.data<float>(), v.data<float>());
  else
    LTH_DISPATCH(d, adam_step, w.numel(), p, w.data<float>(), g.data<float>(), ptr<uint8_t>(mask), m.data<float>(),
                 v.data<float>());
  return a.env().Undefined();
}

}  // namespace

void register_adam_step(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "adamStep", AdamStep); }

}  // namespace lth::binding
