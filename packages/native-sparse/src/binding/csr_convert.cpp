// Dense ⇄ CSR: denseNnz(W, { mask }), denseToCsr(W, { mask }) -> the CSR tensors, csrToDense(A, { out }).
#include <climits>

#include "csr_matrix.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct DenseIn {
  Tensor& W;
  Tensor* mask;
  int64_t rows, cols;
};

// W [rows, cols] f32, opts.mask u8 like W (the structure: mask != 0 instead of W != 0).
DenseIn dense_in(Args& a) {
  Tensor& W = a.tensor(a.at(0), "W", f32(2));
  a.options(1);
  Tensor* mask = a.optional_tensor(a.opt("mask"), "mask", u8(2));
  if (mask) a.expect_shape(*mask, W.shape, "mask");
  LTH_CHECK(W.shape[1] <= INT32_MAX && W.shape[0] < INT32_MAX, code::kShape, a.op(), ": ", W.describe(),
            " is too large for 32-bit CSR indices");
  return {W, mask, W.shape[0], W.shape[1]};
}

Napi::Value DenseNnz(const Napi::CallbackInfo& info) {
  Args a(info, "denseNnz");
  DenseIn in = dense_in(a);
  Device d = a.finish();
  int64_t nnz = LTH_DISPATCH(d, dense_nnz, in.rows, in.cols, in.W.data<float>(), ptr<uint8_t>(in.mask));
  return Napi::Number::New(info.Env(), static_cast<double>(nnz));
}

// -> { rows, cols, nnz, device, rowptr, colidx, values } (new tensors on W's device)
Napi::Value DenseToCsr(const Napi::CallbackInfo& info) {
  Args a(info, "denseToCsr");
  DenseIn in = dense_in(a);
  Device d = a.finish();
  const int64_t nnz = LTH_DISPATCH(d, dense_nnz, in.rows, in.cols, in.W.data<float>(), ptr<uint8_t>(in.mask));
  LTH_CHECK(nnz <= INT32_MAX, code::kShape, a.op(), ": ", nnz, " nonzeros do not fit 32-bit CSR indices");
  Napi::Env env = info.Env();
  Napi::Object rowptr = make_tensor(env, {in.rows + 1}, DType::I32, d);
  Napi::Object colidx = make_tensor(env, {nnz}, DType::I32, d);
  Napi::Object values = make_tensor(env, {nnz}, DType::F32, d);
  auto data = [](Napi::Object o) { return &TensorWrap::Unwrap(o)->tensor(); };
  LTH_DISPATCH(d, dense_to_csr, in.rows, in.cols, in.W.data<float>(), ptr<uint8_t>(in.mask),
               data(rowptr)->data<int32_t>(), data(colidx)->data<int32_t>(), data(values)->data<float>());
  return result(env, {{"rows", Napi::Number::New(env, static_cast<double>(in.rows))},
                      {"cols", Napi::Number::New(env, static_cast<double>(in.cols))},
                      {"nnz", Napi::Number::New(env, static_cast<double>(nnz))},
                      {"device", Napi::String::New(env, device_name(d))},
                      {"rowptr", rowptr},
                      {"colidx", colidx},
                      {"values", values}});
}

Napi::Value CsrToDense(const Napi::CallbackInfo& info) {
  Args a(info, "csrToDense");
  CsrView A = csr_arg(a, a.at(0), "A");
  a.options(1);
  auto W = a.output(a.opt("out"), "out", DType::F32, {A.rows, A.cols});
  Device d = a.finish();
  LTH_DISPATCH(d, csr_to_dense, A, W.data<float>());
  return W.js(a.env());
}

}  // namespace

void register_csr_convert(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "denseNnz", DenseNnz);
  export_fn(env, exports, "denseToCsr", DenseToCsr);
  export_fn(env, exports, "csrToDense", CsrToDense);
}

}  // namespace lth::binding
