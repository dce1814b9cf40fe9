// JS bindings for the CSR ops: denseNnz, denseToCsr, csrToDense, csrSpmm. A CSR matrix crosses the boundary
// as its three tensors (rowptr i32 [rows+1], colidx i32 [nnz], values f32 [nnz]) plus rows and cols.
#include <climits>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

struct DenseIn {
  Tensor* W;
  Tensor* mask;
  int64_t rows, cols;
};

DenseIn dense_in(const Napi::CallbackInfo& info, const char* op) {
  Tensor& W = tensor_arg(info, 0, op, "W");
  Tensor* mask = optional_tensor_arg(info, 1, op, "mask");
  expect_dtype(W, DType::F32, op, "W");
  LTH_CHECK(W.shape.size() == 2, code::kShape, op, ": 'W' must be rank 2, got ", W.describe());
  if (mask) {
    expect_dtype(*mask, DType::U8, op, "mask");
    LTH_CHECK(mask->shape == W.shape, code::kShape, op, ": mask ", mask->describe(), " must match W ", W.describe());
  }
  LTH_CHECK(W.shape[1] <= INT32_MAX && W.shape[0] < INT32_MAX, code::kShape, op, ": ", W.describe(),
            " is too large for 32-bit CSR indices");
  common_device({&W, mask}, op);
  return {&W, mask, W.shape[0], W.shape[1]};
}

// denseNnz(W, mask|null) -> number of structural nonzeros
Napi::Value DenseNnz(const Napi::CallbackInfo& info) {
  DenseIn in = dense_in(info, "denseNnz");
  int64_t nnz = LTH_DISPATCH(in.W->device, dense_nnz, in.rows, in.cols, in.W->data<float>(), ptr<uint8_t>(in.mask));
  return Napi::Number::New(info.Env(), static_cast<double>(nnz));
}

// denseToCsr(W, mask|null) -> { rowptr, colidx, values } (new tensors on W's device)
Napi::Value DenseToCsr(const Napi::CallbackInfo& info) {
  const char* op = "denseToCsr";
  DenseIn in = dense_in(info, op);
  Device d = in.W->device;
  int64_t nnz = LTH_DISPATCH(d, dense_nnz, in.rows, in.cols, in.W->data<float>(), ptr<uint8_t>(in.mask));
  LTH_CHECK(nnz <= INT32_MAX, code::kShape, op, ": ", nnz, " nonzeros do not fit 32-bit CSR indices");
  Napi::Env env = info.Env();
  Napi::Object rowptr = make_tensor(env, {in.rows + 1}, DType::I32, d);
  Napi::Object colidx = make_tensor(env, {nnz}, DType::I32, d);
  Napi::Object values = make_tensor(env, {nnz}, DType::F32, d);
  auto data = [](Napi::Object o) { return &TensorWrap::Unwrap(o)->tensor(); };
  LTH_DISPATCH(d, dense_to_csr, in.rows, in.cols, in.W->data<float>(), ptr<uint8_t>(in.mask),
               data(rowptr)->data<int32_t>(), data(colidx)->data<int32_t>(), data(values)->data<float>());
  Napi::Object out = Napi::Object::New(env);
  out.Set("rowptr", rowptr);
  out.Set("colidx", colidx);
  out.Set("values", values);
  return out;
}

struct CsrIn {
  CsrView view;
  Tensor *rowptr, *colidx, *values;
};

// Arguments i..i+4: rowptr, colidx, values, rows, cols. Shapes and dtypes only: the kernels check contents.
CsrIn csr_in(const Napi::CallbackInfo& info, size_t i, const char* op) {
  Tensor& rowptr = tensor_arg(info, i, op, "rowptr");
  Tensor& colidx = tensor_arg(info, i + 1, op, "colidx");
  Tensor& values = tensor_arg(info, i + 2, op, "values");
  int64_t rows = int_arg(info, i + 3, op, "rows"), cols = int_arg(info, i + 4, op, "cols");
  LTH_CHECK(rows >= 0 && cols >= 0 && rows < INT32_MAX && cols <= INT32_MAX, code::kShape, op, ": bad CSR dimensions [",
            rows, ",", cols, "]");
  expect_dtype(rowptr, DType::I32, op, "rowptr");
  expect_dtype(colidx, DType::I32, op, "colidx");
  expect_dtype(values, DType::F32, op, "values");
  expect_shape(rowptr, {rows + 1}, op, "rowptr");
  LTH_CHECK(colidx.shape.size() == 1 && values.shape.size() == 1 && colidx.shape[0] == values.shape[0], code::kShape, op,
            ": colidx ", colidx.describe(), " and values ", values.describe(), " must be rank 1 of equal length");
  LTH_CHECK(values.shape[0] <= INT32_MAX, code::kShape, op, ": too many nonzeros for 32-bit CSR indices");
  CsrView v{rows, cols, values.shape[0], rowptr.data<int32_t>(), colidx.data<int32_t>(), values.data<float>()};
  return {v, &rowptr, &colidx, &values};
}

// csrToDense(rowptr, colidx, values, rows, cols, W)
Napi::Value CsrToDense(const Napi::CallbackInfo& info) {
  const char* op = "csrToDense";
  CsrIn A = csr_in(info, 0, op);
  Tensor& W = tensor_arg(info, 5, op, "W");
  expect_dtype(W, DType::F32, op, "W");
  expect_shape(W, {A.view.rows, A.view.cols}, op, "W");
  Device d = common_device({A.rowptr, A.colidx, A.values, &W}, op);
  LTH_DISPATCH(d, csr_to_dense, A.view, W.data<float>());
  return info.Env().Undefined();
}

// csrSpmm(rowptr, colidx, values, rows, cols, B, bias|null, relu, C): C[rows,N] = A·B[cols,N] + bias, ReLU
Napi::Value CsrSpmm(const Napi::CallbackInfo& info) {
  const char* op = "csrSpmm";
  CsrIn A = csr_in(info, 0, op);
  Tensor& B = tensor_arg(info, 5, op, "B");
  Tensor* bias = optional_tensor_arg(info, 6, op, "bias");
  bool relu = bool_arg(info, 7, op, "relu");
  Tensor& C = tensor_arg(info, 8, op, "C");
  expect_dtype(B, DType::F32, op, "B");
  LTH_CHECK(B.shape.size() == 2 && B.shape[0] == A.view.cols, code::kShape, op, ": B ", B.describe(),
            " must be [", A.view.cols, ", N]");
  const int64_t N = B.shape[1];
  if (bias) expect_dtype(*bias, DType::F32, op, "bias"), expect_shape(*bias, {A.view.rows}, op, "bias");
  expect_dtype(C, DType::F32, op, "C");
  expect_shape(C, {A.view.rows, N}, op, "C");
  Device d = common_device({A.rowptr, A.colidx, A.values, &B, bias, &C}, op);
  LTH_DISPATCH(d, csr_spmm, A.view, N, B.data<float>(), ptr<float>(bias), relu, C.data<float>());
  return info.Env().Undefined();
}

}  // namespace

void register_sparse(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "denseNnz", DenseNnz);
  export_fn(env, exports, "denseToCsr", DenseToCsr);
  export_fn(env, exports, "csrToDense", CsrToDense);
  export_fn(env, exports, "csrSpmm", CsrSpmm);
}

}  // namespace lth::binding
