// sgdStep(w, g, { lr, mask | positions, velocity, momentum, dampening, weightDecay, nesterov }): one SGD step in
// place (PyTorch semantics); pruned positions end with w = 0 and velocity = 0; with `positions` (flat indices,
// strictly ascending) only those entries are read and written.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  Args a(info, "sgdStep");
  Tensor& w = a.state(a.at(0), "w", f32());
  Tensor& g = a.tensor(a.at(1), "g", f32());
  a.options(2, true);
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8());
  Tensor* positions = a.optional_tensor(a.opt("positions"), "positions", i32(1));
  LTH_CHECK(!(mask && positions), code::kArg, a.op(), ": 'mask' and 'positions' exclude each other (pass one)");
  Tensor* vel = a.optional_state(a.opt("velocity"), "velocity", f32());
  for (auto [t, name] : {std::pair{&g, "g"}, {mask, "mask"}, {vel, "velocity"}}) a.expect_numel_of(t, w, name, "w");
  SgdParams p{};
  p.lr = static_cast<float>(a.number(a.opt("lr"), "lr", 0));
  p.momentum = static_cast<float>(a.number_or(a.opt("momentum"), "momentum", 0, 0));
  p.dampening = static_cast<float>(a.number_or(a.opt("dampening"), "dampening", 0));
  p.weight_decay = static_cast<float>(a.number_or(a.opt("weightDecay"), "weightDecay", 0, 0));
  p.nesterov = a.boolean_or(a.opt("nesterov"), "nesterov", false);
  LTH_CHECK(!p.nesterov || (p.momentum > 0 && p.dampening == 0), code::kArg, a.op(),
            ": nesterov needs momentum > 0 and dampening 0 (got ", p.momentum, ", ", p.dampening, ")");
  LTH_CHECK(p.momentum == 0 || vel, code::kArg, a.op(), ": momentum ", p.momentum, " needs a 'velocity' tensor");
  Device d = a.finish();
  if (positions)
    LTH_DISPATCH(d, sgd_step_at, positions->numel(), positions->data<int32_t>(), w.numel(), p, w.data<float>(),
                 g.data<float>(), ptr<float>(vel));
  else LTH_DISPATCH(d, sgd_step, w.numel(), p, w.data<float>(), g.data<float>(), ptr<uint8_t>(mask), ptr<float>(vel));
  return a.env().Undefined();
}

}  // namespace

void register_sgd_step(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "sgdStep", SgdStep); }

}  // namespace lth::binding
