// JS bindings for the dense ops: gemm, maskedDenseForward, maskedDenseBackward.
#include "../cpu/gemm_internal.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Trans trans_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  bool t = bool_arg(info, i, op, name);
  return t ? Trans::T : Trans::N;
}

// gemm(transA, transB, alpha, A, B, beta, C): C = alpha·op(A)·op(B) + beta·C, all rank 2.
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  const char* op = "gemm";
  Trans ta = trans_arg(info, 0, op, "transA"), tb = trans_arg(info, 1, op, "transB");
  float alpha = static_cast<float>(number_arg(info, 2, op, "alpha"));
  Tensor& A = tensor_arg(info, 3, op, "A");
  Tensor& B = tensor_arg(info, 4, op, "B");
  float beta = static_cast<float>(number_arg(info, 5, op, "beta"));
  Tensor& C = tensor_arg(info, 6, op, "C");
  for (auto [t, n] : {std::pair{&A, "A"}, {&B, "B"}, {&C, "C"}}) {
    expect_dtype(*t, DType::F32, op, n);
    LTH_CHECK(t->shape.size() == 2, code::kShape, op, ": '", n, "' must be rank 2, got ", t->describe());
  }
  int64_t M = ta == Trans::N ? A.shape[0] : A.shape[1];
  int64_t K = ta == Trans::N ? A.shape[1] : A.shape[0];
  int64_t Kb = tb == Trans::N ? B.shape[0] : B.shape[1];
  int64_t N = tb == Trans::N ? B.shape[1] : B.shape[0];
  LTH_CHECK(K == Kb, code::kShape, op, ": inner dimensions differ (", A.describe(), " and ", B.describe(), ")");
  expect_shape(C, {M, N}, op, "C");
  Device d = common_device({&A, &B, &C}, op);
  LTH_DISPATCH(d, gemm, ta, tb, M, N, K, alpha, A.data<float>(), B.data<float>(), beta, C.data<float>());
  return info.Env().Undefined();
}

struct DenseDims {
  int64_t B, In, Out;
};

DenseDims dense_dims(const Tensor& x, const Tensor& W, const char* op) {
  expect_dtype(x, DType::F32, op, "x");
  expect_dtype(W, DType::F32, op, "W");
  LTH_CHECK(x.shape.size() == 2 && W.shape.size() == 2, code::kShape, op, ": x and W must be rank 2, got ",
            x.describe(), " and ", W.describe());
  LTH_CHECK(x.shape[1] == W.shape[1], code::kShape, op, ": x ", x.describe(), " does not match W ", W.describe(),
            " (W is [out, in])");
  return {x.shape[0], x.shape[1], W.shape[0]};
}

void check_mask(const Tensor* mask, const Tensor& W, const char* op) {
  if (!mask) return;
  expect_dtype(*mask, DType::U8, op, "mask");
  LTH_CHECK(mask->shape == W.shape, code::kShape, op, ": mask ", mask->describe(), " must match W ", W.describe());
}

// maskedDenseForward(x, W, mask|null, bias|null, relu, y)
Napi::Value MaskedDenseForward(const Napi::CallbackInfo& info) {
  const char* op = "maskedDenseForward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor* bias = optional_tensor_arg(info, 3, op, "bias");
  bool relu = bool_arg(info, 4, op, "relu");
  Tensor& y = tensor_arg(info, 5, op, "y");
  auto [B, In, Out] = dense_dims(x, W, op);
  check_mask(mask, W, op);
  if (bias) {
    expect_dtype(*bias, DType::F32, op, "bias");
    expect_shape(*bias, {Out}, op, "bias");
  }
  expect_dtype(y, DType::F32, op, "y");
  expect_shape(y, {B, Out}, op, "y");
  Device d = common_device({&x, &W, mask, bias, &y}, op);
  LTH_DISPATCH(d, masked_dense_forward, B, In, Out, x.data<float>(), W.data<float>(), ptr<uint8_t>(mask),
               ptr<float>(bias), relu, y.data<float>());
  return info.Env().Undefined();
}

// maskedDenseBackward(x, W, mask|null, dy, dx|null, dW|null, db|null)
Napi::Value MaskedDenseBackward(const Napi::CallbackInfo& info) {
  const char* op = "maskedDenseBackward";
  Tensor& x = tensor_arg(info, 0, op, "x");
  Tensor& W = tensor_arg(info, 1, op, "W");
  Tensor* mask = optional_tensor_arg(info, 2, op, "mask");
  Tensor& dy = tensor_arg(info, 3, op, "dy");
  Tensor* dx = optional_tensor_arg(info, 4, op, "dx");
  Tensor* dW = optional_tensor_arg(info, 5, op, "dW");
  Tensor* db = optional_tensor_arg(info, 6, op, "db");
  auto [B, In, Out] = dense_dims(x, W, op);
  check_mask(mask, W, op);
  expect_dtype(dy, DType::F32, op, "dy");
  expect_shape(dy, {B, Out}, op, "dy");
  if (dx) expect_dtype(*dx, DType::F32, op, "dx"), expect_shape(*dx, {B, In}, op, "dx");
  if (dW) expect_dtype(*dW, DType::F32, op, "dW"), expect_shape(*dW, {Out, In}, op, "dW");
  if (db) expect_dtype(*db, DType::F32, op, "db"), expect_shape(*db, {Out}, op, "db");
  const Named all[] = {{&x, "x"}, {&W, "W"}, {mask, "mask"}, {&dy, "dy"}, {dx, "dx"}, {dW, "dW"}, {db, "db"}};
  for (size_t o = 4; o < 7; ++o) {
    for (size_t k = 0; k < 7; ++k) {
      if (k != o) expect_no_alias(all[o], {all[k]}, op);
    }
  }
  Device d = common_device({&x, &W, mask, &dy, dx, dW, db}, op);
  LTH_DISPATCH(d, masked_dense_backward, B, In, Out, x.data<float>(), W.data<float>(), ptr<uint8_t>(mask),
               dy.data<float>(), ptr<float>(dx), ptr<float>(dW), ptr<float>(db));
  return info.Env().Undefined();
}

// denseKernelInfo(): which CPU GEMM variant runs here (picked once per process; LTH_CPU_ISA overrides)
// and its micro-tile, for benchmarks and the tests of the narrower variants.
Napi::Value DenseKernelInfo(const Napi::CallbackInfo& info) {
  const auto& isa = cpu::gemm_detail::active_isa();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", isa.name);
  o.Set("mr", isa.mr);
  o.Set("nr", isa.nr);
  return o;
}

}  // namespace

void register_dense(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "gemm", Gemm);
  export_fn(env, exports, "maskedDenseForward", MaskedDenseForward);
  export_fn(env, exports, "maskedDenseBackward", MaskedDenseBackward);
  export_fn(env, exports, "denseKernelInfo", DenseKernelInfo);
}

}  // namespace lth::binding
