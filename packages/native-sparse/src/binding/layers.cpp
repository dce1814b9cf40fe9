// JS bindings for the layer ops: reluForward/Backward, dropoutForward/Backward, addForward,
// batchNormForwardTrain/ForwardEval/Backward, softmaxCrossEntropy and sigmoidBce (the ops that return values:
// { loss, correct }).
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

void expect_same_shape(const Tensor& t, const Tensor& like, const char* op, const char* name, const char* like_name) {
  LTH_CHECK(t.shape == like.shape, code::kShape, op, ": '", name, "' ", t.describe(), " must have the shape of '",
            like_name, "' ", like.describe());
}

void expect_f32(std::initializer_list<std::pair<const Tensor*, const char*>> ts, const char* op) {
  for (auto [t, name] : ts)
    if (t) expect_dtype(*t, DType::F32, op, name);
}

// reluForward(x, y)
Napi::Value ReluForward(const Napi::CallbackInfo& info) {
  const char* op = "reluForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& y = tensor_arg(info, 1, op, "y");
  expect_f32({{&x, "x"}, {&y, "y"}}, op);
  expect_same_shape(y, x, op, "y", "x");
  Device d = common_device({&x, &y}, op);
  LTH_DISPATCH(d, relu_forward, x.numel(), x.data<float>(), y.data<float>());
  return info.Env().Undefined();
}

// reluBackward(y, dy, dx): y is the forward output
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  const char* op = "reluBackward";
  Tensor& y = tensor_arg(info, 0, op, "y");
  Tensor& dy = tensor_arg(info, 1, op, "dy");
  Tensor& dx = tensor_arg(info, 2, op, "dx");
  expect_f32({{&y, "y"}, {&dy, "dy"}, {&dx, "dx"}}, op);
  expect_same_shape(dy, y, op, "dy", "y");
  expect_same_shape(dx, y, op, "dx", "y");
  Device d = common_device({&y, &dy, &dx}, op);
  LTH_DISPATCH(d, relu_backward, y.numel(), y.data<float>(), dy.data<float>(), dx.data<float>());
  return info.Env().Undefined();
}

float drop_p_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  double p = number_arg(info, i, op, "p");
  LTH_CHECK(p >= 0.0 && p < 1.0, code::kArg, op, ": p must be in [0, 1), got ", p);
  float pf = static_cast<float>(p);
  LTH_CHECK(pf < 1.0f, code::kArg, op, ": p ", p, " rounds to 1 in float32");
  return pf;
}

// dropoutForward(x, p, seed, y, keep)
Napi::Value DropoutForward(const Napi::CallbackInfo& info) {
  const char* op = "dropoutForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  float p = drop_p_arg(info, 1, op);
  uint64_t seed = seed_arg(info, 2, op, "seed");
  Tensor& y = tensor_arg(info, 3, op, "y");
  Tensor& keep = tensor_arg(info, 4, op, "keep");
  expect_f32({{&x, "x"}, {&y, "y"}}, op);
  expect_dtype(keep, DType::U8, op, "keep");
  expect_same_shape(y, x, op, "y", "x");
  expect_same_shape(keep, x, op, "keep", "x");
  Device d = common_device({&x, &y, &keep}, op);
  LTH_DISPATCH(d, dropout_forward, x.numel(), p, seed, x.data<float>(), y.data<float>(), keep.data<uint8_t>());
  return info.Env().Undefined();
}

// dropoutBackward(dy, keep, p, dx)
Napi::Value DropoutBackward(const Napi::CallbackInfo& info) {
  const char* op = "dropoutBackward";
  Tensor& dy = tensor_arg(info, 0, op, "dy");
  Tensor& keep = tensor_arg(info, 1, op, "keep");
  float p = drop_p_arg(info, 2, op);
  Tensor& dx = tensor_arg(info, 3, op, "dx");
  expect_f32({{&dy, "dy"}, {&dx, "dx"}}, op);
  expect_dtype(keep, DType::U8, op, "keep");
  expect_same_shape(keep, dy, op, "keep", "dy");
  expect_same_shape(dx, dy, op, "dx", "dy");
  Device d = common_device({&dy, &keep, &dx}, op);
  LTH_DISPATCH(d, dropout_backward, dy.numel(), p, keep.data<uint8_t>(), dy.data<float>(), dx.data<float>());
  return info.Env().Undefined();
}

// addForward(a, b, y)
Napi::Value AddForward(const Napi::CallbackInfo& info) {
  const char* op = "addForward";
  Tensor& a = tensor_arg(info, 0, op, "a");
  Tensor& b = tensor_arg(info, 1, op, "b");
  Tensor& y = tensor_arg(info, 2, op, "y");
  expect_f32({{&a, "a"}, {&b, "b"}, {&y, "y"}}, op);
  expect_same_shape(b, a, op, "b", "a");
  expect_same_shape(y, a, op, "y", "a");
  Device d = common_device({&a, &b, &y}, op);
  LTH_DISPATCH(d, add_forward, a.numel(), a.data<float>(), b.data<float>(), y.data<float>());
  return info.Env().Undefined();
}

struct BnDims {
  int64_t N, C, HW;
};

// x [N, C, spatial...] (rank >= 2): HW is the product of the spatial sizes (1 for [N, C]).
BnDims bn_dims(const Tensor& x, const char* op) {
  expect_dtype(x, DType::F32, op, "x");
  LTH_CHECK(x.shape.size() >= 2, code::kShape, op, ": 'x' must be [N,C,...] (rank >= 2), got ", x.describe());
  BnDims d{x.shape[0], x.shape[1], 1};
  for (size_t i = 2; i < x.shape.size(); ++i) d.HW *= x.shape[i];
  return d;
}

void expect_channel_vec(const Tensor* t, int64_t C, const char* op, const char* name) {
  if (!t) return;
  expect_dtype(*t, DType::F32, op, name);
  expect_shape(*t, {C}, op, name);
}

float eps_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  double eps = number_arg(info, i, op, "eps");
  LTH_CHECK(eps >= 0.0, code::kArg, op, ": eps must be >= 0, got ", eps);
  return static_cast<float>(eps);
}

// batchNormForwardTrain(x, gamma|null, beta|null, runningMean|null, runningVar|null, eps, momentum, y,
//                       saveMean|null, saveInvstd|null)
Napi::Value BatchNormForwardTrain(const Napi::CallbackInfo& info) {
  const char* op = "batchNormForwardTrain";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor* gamma = optional_tensor_arg(info, 1, op, "gamma");
  Tensor* beta = optional_tensor_arg(info, 2, op, "beta");
  Tensor* rmean = optional_tensor_arg(info, 3, op, "runningMean");
  Tensor* rvar = optional_tensor_arg(info, 4, op, "runningVar");
  float eps = eps_arg(info, 5, op);
  double momentum = number_arg(info, 6, op, "momentum");
  Tensor& y = tensor_arg(info, 7, op, "y");
  Tensor* smean = optional_tensor_arg(info, 8, op, "saveMean");
  Tensor* sinv = optional_tensor_arg(info, 9, op, "saveInvstd");
  LTH_CHECK(momentum >= 0.0 && momentum <= 1.0, code::kArg, op, ": momentum must be in [0, 1], got ", momentum);
  auto [N, C, HW] = bn_dims(x, op);
  LTH_CHECK(N * HW > 1, code::kShape, op, ": training needs more than one value per channel, got x ", x.describe());
  expect_channel_vec(gamma, C, op, "gamma");
  expect_channel_vec(beta, C, op, "beta");
  expect_channel_vec(rmean, C, op, "runningMean");
  expect_channel_vec(rvar, C, op, "runningVar");
  expect_channel_vec(smean, C, op, "saveMean");
  expect_channel_vec(sinv, C, op, "saveInvstd");
  expect_dtype(y, DType::F32, op, "y");
  expect_same_shape(y, x, op, "y", "x");
  Device d = common_device({&x, gamma, beta, rmean, rvar, &y, smean, sinv}, op);
  LTH_DISPATCH(d, batchnorm_forward_train, N, C, HW, eps, static_cast<float>(momentum), x.data<float>(),
               ptr<float>(gamma), ptr<float>(beta), ptr<float>(rmean), ptr<float>(rvar), y.data<float>(),
               ptr<float>(smean), ptr<float>(sinv));
  return info.Env().Undefined();
}

// batchNormForwardEval(x, gamma|null, beta|null, runningMean, runningVar, eps, y)
Napi::Value BatchNormForwardEval(const Napi::CallbackInfo& info) {
  const char* op = "batchNormForwardEval";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor* gamma = optional_tensor_arg(info, 1, op, "gamma");
  Tensor* beta = optional_tensor_arg(info, 2, op, "beta");
  Tensor& rmean = tensor_arg(info, 3, op, "runningMean");
  Tensor& rvar = tensor_arg(info, 4, op, "runningVar");
  float eps = eps_arg(info, 5, op);
  Tensor& y = tensor_arg(info, 6, op, "y");
  auto [N, C, HW] = bn_dims(x, op);
  expect_channel_vec(gamma, C, op, "gamma");
  expect_channel_vec(beta, C, op, "beta");
  expect_channel_vec(&rmean, C, op, "runningMean");
  expect_channel_vec(&rvar, C, op, "runningVar");
  expect_dtype(y, DType::F32, op, "y");
  expect_same_shape(y, x, op, "y", "x");
  Device d = common_device({&x, gamma, beta, &rmean, &rvar, &y}, op);
  LTH_DISPATCH(d, batchnorm_forward_eval, N, C, HW, eps, x.data<float>(), ptr<float>(gamma), ptr<float>(beta),
               rmean.data<float>(), rvar.data<float>(), y.data<float>());
  return info.Env().Undefined();
}

// batchNormBackward(x, gamma|null, saveMean, saveInvstd, dy, dx|null, dgamma|null, dbeta|null)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const char* op = "batchNormBackward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor* gamma = optional_tensor_arg(info, 1, op, "gamma");
  Tensor& smean = tensor_arg(info, 2, op, "saveMean");
  Tensor& sinv = tensor_arg(info, 3, op, "saveInvstd");
  Tensor& dy = tensor_arg(info, 4, op, "dy");
  Tensor* dx = optional_tensor_arg(info, 5, op, "dx");
  Tensor* dgamma = optional_tensor_arg(info, 6, op, "dgamma");
  Tensor* dbeta = optional_tensor_arg(info, 7, op, "dbeta");
  auto [N, C, HW] = bn_dims(x, op);
  expect_channel_vec(gamma, C, op, "gamma");
  expect_channel_vec(&smean, C, op, "saveMean");
  expect_channel_vec(&sinv, C, op, "saveInvstd");
  expect_dtype(dy, DType::F32, op, "dy");
  expect_same_shape(dy, x, op, "dy", "x");
  if (dx) expect_dtype(*dx, DType::F32, op, "dx"), expect_same_shape(*dx, x, op, "dx", "x");
  expect_channel_vec(dgamma, C, op, "dgamma");
  expect_channel_vec(dbeta, C, op, "dbeta");
  Device d = common_device({&x, gamma, &smean, &sinv, &dy, dx, dgamma, dbeta}, op);
  LTH_DISPATCH(d, batchnorm_backward, N, C, HW, x.data<float>(), ptr<float>(gamma), smean.data<float>(),
               sinv.data<float>(), dy.data<float>(), ptr<float>(dx), ptr<float>(dgamma), ptr<float>(dbeta));
  return info.Env().Undefined();
}

// softmaxCrossEntropy(logits [B,C], labels i32 [B], dlogits|null) -> { loss, correct }
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  const char* op = "softmaxCrossEntropy";
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& labels = tensor_arg(info, 1, op, "labels");
  Tensor* dlogits = optional_tensor_arg(info, 2, op, "dlogits");
  expect_dtype(logits, DType::F32, op, "logits");
  LTH_CHECK(logits.shape.size() == 2, code::kShape, op, ": 'logits' must be rank 2 [B,C], got ", logits.describe());
  const int64_t B = logits.shape[0], C = logits.shape[1];
  expect_dtype(labels, DType::I32, op, "labels");
  expect_shape(labels, {B}, op, "labels");
  if (dlogits) expect_dtype(*dlogits, DType::F32, op, "dlogits"), expect_shape(*dlogits, {B, C}, op, "dlogits");
  Device d = common_device({&logits, &labels, dlogits}, op);
  CeResult r = LTH_DISPATCH(d, softmax_cross_entropy, B, C, logits.data<float>(), labels.data<int32_t>(),
                            ptr<float>(dlogits));
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("loss", r.loss);
  out.Set("correct", static_cast<double>(r.correct));
  return out;
}

// sigmoidBce(logits f32 [B], labels f32 [B], dlogits|null) -> { loss, correct }
Napi::Value SigmoidBce(const Napi::CallbackInfo& info) {
  const char* op = "sigmoidBce";
  Tensor& logits = tensor_arg(info, 0, op, "logits");
  Tensor& labels = tensor_arg(info, 1, op, "labels");
  Tensor* dlogits = optional_tensor_arg(info, 2, op, "dlogits");
  expect_dtype(logits, DType::F32, op, "logits");
  LTH_CHECK(logits.shape.size() == 1, code::kShape, op, ": 'logits' must be rank 1 [B], got ", logits.describe());
  const int64_t B = logits.shape[0];
  expect_dtype(labels, DType::F32, op, "labels");
  expect_shape(labels, {B}, op, "labels");
  if (dlogits) expect_dtype(*dlogits, DType::F32, op, "dlogits"), expect_shape(*dlogits, {B}, op, "dlogits");
  Device d = common_device({&logits, &labels, dlogits}, op);
  CeResult r = LTH_DISPATCH(d, sigmoid_bce, B, logits.data<float>(), labels.data<float>(), ptr<float>(dlogits));
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("loss", r.loss);
  out.Set("correct", static_cast<double>(r.correct));
  return out;
}

}  // namespace

void register_layers(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "reluForward", ReluForward);
  export_fn(env, exports, "reluBackward", ReluBackward);
  export_fn(env, exports, "dropoutForward", DropoutForward);
  export_fn(env, exports, "dropoutBackward", DropoutBackward);
  export_fn(env, exports, "addForward", AddForward);
  export_fn(env, exports, "batchNormForwardTrain", BatchNormForwardTrain);
  export_fn(env, exports, "batchNormForwardEval", BatchNormForwardEval);
  export_fn(env, exports, "batchNormBackward", BatchNormBackward);
  export_fn(env, exports, "softmaxCrossEntropy", SoftmaxCrossEntropy);
  export_fn(env, exports, "sigmoidBce", SigmoidBce);
}

}  // namespace lth::binding
