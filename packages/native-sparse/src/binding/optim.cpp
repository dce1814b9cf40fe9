// JS bindings for the optimizer steps: sgdStep, adamStep. Weights and optimizer state are updated in place.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

void check_param(const Tensor* t, const Tensor& w, const char* op, const char* name, DType dtype = DType::F32) {
  if (!t) return;
  expect_dtype(*t, dtype, op, name);
  LTH_CHECK(t->numel() == w.numel(), code::kShape, op, ": '", name, "' ", t->describe(), " must have as many elements as w ",
            w.describe());
}

// sgdStep(g, mask|null, lr, momentum, dampening, weightDecay, nesterov, w, velocity|null)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  const char* op = "sgdStep";
  Tensor& g = tensor_arg(info, 0, op, "g");
  Tensor* mask = optional_tensor_arg(info, 1, op, "mask");
  SgdParams p{};
  p.lr = static_cast<float>(number_arg(info, 2, op, "lr"));
  p.momentum = static_cast<float>(number_arg(info, 3, op, "momentum"));
  p.dampening = static_cast<float>(number_arg(info, 4, op, "dampening"));
  p.weight_decay = static_cast<float>(number_arg(info, 5, op, "weightDecay"));
  p.nesterov = bool_arg(info, 6, op, "nesterov");
  Tensor& w = tensor_arg(info, 7, op, "w");
  Tensor* vel = optional_tensor_arg(info, 8, op, "velocity");
  expect_dtype(w, DType::F32, op, "w");
  check_param(&g, w, op, "g");
  check_param(mask, w, op, "mask", DType::U8);
  check_param(vel, w, op, "velocity");
  LTH_CHECK(p.lr >= 0, code::kArg, op, ": lr must be >= 0, got ", p.lr);
  LTH_CHECK(p.momentum >= 0, code::kArg, op, ": momentum must be >= 0, got ", p.momentum);
  LTH_CHECK(p.weight_decay >= 0, code::kArg, op, ": weightDecay must be >= 0, got ", p.weight_decay);
  LTH_CHECK(!p.nesterov || (p.momentum > 0 && p.dampening == 0), code::kArg, op,
            ": nesterov needs momentum > 0 and dampening 0");
  LTH_CHECK(p.momentum == 0 || vel, code::kArg, op, ": momentum ", p.momentum, " needs a velocity tensor");
  Device d = common_device({&g, mask, &w, vel}, op);
  LTH_DISPATCH(d, sgd_step, w.numel(), p, w.data<float>(), g.data<float>(), ptr<uint8_t>(mask), ptr<float>(vel));
  return info.Env().Undefined();
}

// adamStep(g, mask|null, lr, beta1, beta2, eps, weightDecay, step, decoupled, w, m, v)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const char* op = "adamStep";
  Tensor& g = tensor_arg(info, 0, op, "g");
  Tensor* mask = optional_tensor_arg(info, 1, op, "mask");
  AdamParams p{};
  p.lr = static_cast<float>(number_arg(info, 2, op, "lr"));
  p.beta1 = static_cast<float>(number_arg(info, 3, op, "beta1"));
  p.beta2 = static_cast<float>(number_arg(info, 4, op, "beta2"));
  p.eps = static_cast<float>(number_arg(info, 5, op, "eps"));
  p.weight_decay = static_cast<float>(number_arg(info, 6, op, "weightDecay"));
  p.step = int_arg(info, 7, op, "step");
  p.decoupled = bool_arg(info, 8, op, "decoupled");
  Tensor& w = tensor_arg(info, 9, op, "w");
  Tensor& m = tensor_arg(info, 10, op, "m");
  Tensor& v = tensor_arg(info, 11, op, "v");
  expect_dtype(w, DType::F32, op, "w");
  check_param(&g, w, op, "g");
  check_param(mask, w, op, "mask", DType::U8);
  check_param(&m, w, op, "m");
  check_param(&v, w, op, "v");
  LTH_CHECK(p.lr >= 0, code::kArg, op, ": lr must be >= 0, got ", p.lr);
  LTH_CHECK(p.beta1 >= 0 && p.beta1 < 1, code::kArg, op, ": beta1 must be in [0, 1), got ", p.beta1);
  LTH_CHECK(p.beta2 >= 0 && p.beta2 < 1, code::kArg, op, ": beta2 must be in [0, 1), got ", p.beta2);
  LTH_CHECK(p.eps >= 0, code::kArg, op, ": eps must be >= 0, got ", p.eps);
  LTH_CHECK(p.weight_decay >= 0, code::kArg, op, ": weightDecay must be >= 0, got ", p.weight_decay);
  LTH_CHECK(p.step >= 1, code::kArg, op, ": step must be >= 1, got ", p.step);
  Device d = common_device({&g, mask, &w, &m, &v}, op);
  LTH_DISPATCH(d, adam_step, w.numel(), p, w.data<float>(), g.data<float>(), ptr<uint8_t>(mask), m.data<float>(),
               v.data<float>());
  return info.Env().Undefined();
}

}  // namespace

void register_optim(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "sgdStep", SgdStep);
  export_fn(env, exports, "adamStep", AdamStep);
}

}  // namespace lth::binding
