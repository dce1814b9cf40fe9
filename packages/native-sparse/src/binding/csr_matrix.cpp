#include "csr_matrix.h"

#include <climits>

namespace lth::binding {

CsrView csr_arg(Args& a, Napi::Value v, const char* name) {
  LTH_CHECK(v.Type() == napi_object && !v.IsArray(), code::kArg, a.op(), ": '", name, "' must be a CsrMatrix, got ",
            describe_value(v));
  Napi::Object o = v.As<Napi::Object>();
  const std::string n = name;
  Tensor& rowptr = a.tensor(o.Get("rowptr"), n + ".rowptr", i32(1));
  Tensor& colidx = a.tensor(o.Get("colidx"), n + ".colidx", i32(1));
  Tensor& values = a.tensor(o.Get("values"), n + ".values", f32(1));
  const int64_t rows = a.integer(o.Get("rows"), "rows", 0, INT32_MAX - 1);
  const int64_t cols = a.integer(o.Get("cols"), "cols", 0, INT32_MAX);
  a.expect_shape(rowptr, {rows + 1}, n + ".rowptr");
  a.expect_shape(colidx, values.shape, n + ".colidx");
  LTH_CHECK(values.shape[0] <= INT32_MAX, code::kShape, a.op(), ": too many nonzeros for 32-bit CSR indices");
  return {rows, cols, values.shape[0], rowptr.data<int32_t>(), colidx.data<int32_t>(), values.data<float>()};
}

}  // namespace lth::binding
