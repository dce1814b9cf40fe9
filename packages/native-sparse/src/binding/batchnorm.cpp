// Batch norm over x [N,C,...] per channel (PyTorch semantics): batchNormTrain, batchNormEval, batchNormBackward.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct Channels {
  int64_t N, C, HW;
};

Channels channels(Args& a, const Tensor& x) {
  LTH_CHECK(x.shape.size() >= 2, code::kShape, a.op(), ": 'x' must be [N,C,...] (rank >= 2), got ", x.describe());
  Channels c{x.shape[0], x.shape[1], 1};
  for (size_t i = 2; i < x.shape.size(); ++i) c.HW *= x.shape[i];
  return c;
}

// A per-channel vector [C] (optional).
Tensor* channel_vec(Args& a, Napi::Value v, const char* name, int64_t C, bool state = false) {
  Tensor* t = state ? a.optional_state(v, name, f32(1)) : a.optional_tensor(v, name, f32(1));
  if (t) a.expect_shape(*t, {C}, name);
  return t;
}

Tensor& required(Args& a, Tensor* t, const char* name) {
  LTH_CHECK(t, code::kArg, a.op(), ": '", name, "' must be a Tensor, got null");
  return *t;
}

// batchNormTrain(x, gamma, beta, runningMean, runningVar, { eps, momentum, out, saveMean, saveInvstd })
//   -> { y, saveMean, saveInvstd }; the running statistics (may be null) are updated in place.
Napi::Value BatchNormTrain(const Napi::CallbackInfo& info) {
  Args a(info, "batchNormTrain");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  Channels c = channels(a, x);
  LTH_CHECK(c.N * c.HW > 1, code::kShape, a.op(), ": training needs more than one value per channel, got x ",
            x.describe());
  Tensor* gamma = channel_vec(a, a.at(1), "gamma", c.C);
  Tensor* beta = channel_vec(a, a.at(2), "beta", c.C);
  Tensor* rmean = channel_vec(a, a.at(3), "runningMean", c.C, true);
  Tensor* rvar = channel_vec(a, a.at(4), "runningVar", c.C, true);
  a.options(5);
  const float eps = static_cast<float>(a.number_or(a.opt("eps"), "eps", 1e-5, 0));
  const float momentum = static_cast<float>(a.number_or(a.opt("momentum"), "momentum", 0.1, 0, 1));
  auto y = a.output(a.opt("out"), "out", DType::F32, x.shape);
  auto smean = a.output(a.opt("saveMean"), "saveMean", DType::F32, {c.C});
  auto sinv = a.output(a.opt("saveInvstd"), "saveInvstd", DType::F32, {c.C});
  Device d = a.finish();
  LTH_DISPATCH(d, batchnorm_forward_train, c.N, c.C, c.HW, eps, momentum, x.data<float>(), ptr<float>(gamma),
               ptr<float>(beta), ptr<float>(rmean), ptr<float>(rvar), y.data<float>(), smean.data<float>(),
               sinv.data<float>());
  return result(a.env(), {{"y", y.js(a.env())}, {"saveMean", smean.js(a.env())}, {"saveInvstd", sinv.js(a.env())}});
}

// batchNormEval(x, gamma, beta, runningMean, runningVar, { eps, out }) -> y
Napi::Value BatchNormEval(const Napi::CallbackInfo& info) {
  Args a(info, "batchNormEval");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  Channels c = channels(a, x);
  Tensor* gamma = channel_vec(a, a.at(1), "gamma", c.C);
  Tensor* beta = channel_vec(a, a.at(2), "beta", c.C);
  Tensor& rmean = required(a, channel_vec(a, a.at(3), "runningMean", c.C), "runningMean");
  Tensor& rvar = required(a, channel_vec(a, a.at(4), "runningVar", c.C), "runningVar");
  a.options(5);
  const float eps = static_cast<float>(a.number_or(a.opt("eps"), "eps", 1e-5, 0));
  auto y = a.output(a.opt("out"), "out", DType::F32, x.shape);
  Device d = a.finish();
  LTH_DISPATCH(d, batchnorm_forward_eval, c.N, c.C, c.HW, eps, x.data<float>(), ptr<float>(gamma), ptr<float>(beta),
               rmean.data<float>(), rvar.data<float>(), y.data<float>());
  return y.js(a.env());
}

// batchNormBackward(x, gamma, saveMean, saveInvstd, dy, { dx, dgamma, dbeta }) -> { dx, dgamma, dbeta }
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Args a(info, "batchNormBackward");
  Tensor& x = a.tensor(a.at(0), "x", f32());
  Channels c = channels(a, x);
  Tensor* gamma = channel_vec(a, a.at(1), "gamma", c.C);
  Tensor& smean = required(a, channel_vec(a, a.at(2), "saveMean", c.C), "saveMean");
  Tensor& sinv = required(a, channel_vec(a, a.at(3), "saveInvstd", c.C), "saveInvstd");
  Tensor& dy = a.tensor(a.at(4), "dy", f32());
  a.expect_shape(dy, x.shape, "dy");
  a.options(5);
  auto dx = a.grad(a.opt("dx"), "dx", x.shape);
  auto dgamma = a.grad(a.opt("dgamma"), "dgamma", {c.C});
  auto dbeta = a.grad(a.opt("dbeta"), "dbeta", {c.C});
  Device d = a.finish();
  LTH_DISPATCH(d, batchnorm_backward, c.N, c.C, c.HW, x.data<float>(), ptr<float>(gamma), smean.data<float>(),
               sinv.data<float>(), dy.data<float>(), dx.data<float>(), dgamma.data<float>(), dbeta.data<float>());
  return result(a.env(), {{"dx", dx.js(a.env())}, {"dgamma", dgamma.js(a.env())}, {"dbeta", dbeta.js(a.env())}});
}

}  // namespace

void register_batchnorm(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "batchNormTrain", BatchNormTrain);
  export_fn(env, exports, "batchNormEval", BatchNormEval);
  export_fn(env, exports, "batchNormBackward", BatchNormBackward);
}

}  // namespace lth::binding
