// csrSpmm(A, B, { bias, relu, out }): C[rows, N] = A[rows, cols]·B[cols, N] + bias (per row), ReLU when asked.
#include "csr_matrix.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value CsrSpmm(const Napi::CallbackInfo& info) {
  Args a(info, "csrSpmm");
  CsrView A = csr_arg(a, a.at(0), "A");
  Tensor& B = a.tensor(a.at(1), "B", f32(2));
  LTH_CHECK(B.shape[0] == A.cols, code::kShape, a.op(), ": A is [", A.rows, ",", A.cols, "], so B must be [", A.cols,
            ", N], got ", B.describe());
  const int64_t N = B.shape[1];
  a.options(2);
  Tensor* bias = a.optional_tensor(a.opt("bias"), "bias", f32(1));
  if (bias) a.expect_shape(*bias, {A.rows}, "bias");
  const bool relu = a.boolean_or(a.opt("relu"), "relu", false);
  auto C = a.output(a.opt("out"), "out", DType::F32, {A.rows, N});
  Device d = a.finish();
  LTH_DISPATCH(d, csr_spmm, A, N, B.data<float>(), ptr<float>(bias), relu, C.data<float>());
  return C.js(a.env());
}

}  // namespace

void register_csr_spmm(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "csrSpmm", CsrSpmm); }

}  // namespace lth::binding
