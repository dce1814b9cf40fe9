// The sparse fully connected layer: sparseDenseStructure(mask) builds the mask's structure once;
// sparseDenseForward / sparseDenseBackward then run the masked dense layer only at its nonzeros.
#include <climits>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// A structure as lib/ops/sparse_dense.ts's SparseDenseStructure carries it, checked against W [Out, In].
SparseStructureView structure_arg(Args& a, Napi::Value v, const Tensor& W) {
  LTH_CHECK(v.Type() == napi_object && !v.IsArray(), code::kArg, a.op(),
            ": 's' must be a SparseDenseStructure (from sparseDenseStructure), got ", describe_value(v));
  Napi::Object o = v.As<Napi::Object>();
  const int64_t out = a.integer(o.Get("outFeatures"), "s.outFeatures", 0, INT32_MAX - 1);
  const int64_t in = a.integer(o.Get("inFeatures"), "s.inFeatures", 0, INT32_MAX - 1);
  Tensor& rowptr = a.tensor(o.Get("rowPtr"), "s.rowPtr", i32(1));
  Tensor& colidx = a.tensor(o.Get("colIdx"), "s.colIdx", i32(1));
  Tensor& colptr = a.tensor(o.Get("colPtr"), "s.colPtr", i32(1));
  Tensor& rowidx = a.tensor(o.Get("rowIdx"), "s.rowIdx", i32(1));
  Tensor& positions = a.tensor(o.Get("positions"), "s.positions", i32(1));
  LTH_CHECK(out == W.shape[0] && in == W.shape[1], code::kShape, a.op(), ": the structure of a [", out, ", ", in,
            "] mask does not fit W ", W.describe());
  const int64_t nnz = positions.shape[0];
  a.expect_shape(rowptr, {out + 1}, "s.rowPtr");
  a.expect_shape(colptr, {in + 1}, "s.colPtr");
  for (auto [t, name] : {std::pair{&colidx, "s.colIdx"}, {&rowidx, "s.rowIdx"}}) a.expect_shape(*t, {nnz}, name);
  return {out,
          in,
          nnz,
          rowptr.data<int32_t>(),
          colidx.data<int32_t>(),
          colptr.data<int32_t>(),
          rowidx.data<int32_t>(),
          positions.data<int32_t>()};
}

struct Layer {
  Tensor& x;
  Tensor& W;
  int64_t B, In, Out;
};

// x [B,In], W [Out,In].
Layer layer_args(Args& a) {
  Tensor& x = a.tensor(a.at(0), "x", f32(2));
  Tensor& W = a.tensor(a.at(1), "W", f32(2));
  LTH_CHECK(W.shape[1] == x.shape[1], code::kShape, a.op(), ": x ", x.describe(), " needs W [out, ", x.shape[1],
            "], got W ", W.describe());
  return {x, W, x.shape[0], x.shape[1], W.shape[0]};
}

// sparseDenseStructure(mask) -> { outFeatures, inFeatures, nnz, device, rowPtr, colIdx, colPtr, rowIdx, positions }
Napi::Value SparseDenseStructure(const Napi::CallbackInfo& info) {
  Args a(info, "sparseDenseStructure");
  Tensor& mask = a.tensor(a.at(0), "mask", u8(2));
  const int64_t out = mask.shape[0], in = mask.shape[1];
  LTH_CHECK(out * in <= INT32_MAX, code::kShape, a.op(), ": mask ", mask.describe(),
            " is too large for 32-bit flat positions");
  Device d = a.finish();
  const int64_t nnz = LTH_DISPATCH(d, count_nonzero, out * in, mask.data<uint8_t>());
  Napi::Env env = info.Env();
  Napi::Object rowptr = make_tensor(env, {out + 1}, DType::I32, d);
  Napi::Object colidx = make_tensor(env, {nnz}, DType::I32, d);
  Napi::Object colptr = make_tensor(env, {in + 1}, DType::I32, d);
  Napi::Object rowidx = make_tensor(env, {nnz}, DType::I32, d);
  Napi::Object positions = make_tensor(env, {nnz}, DType::I32, d);
  auto data = [](Napi::Object o) { return TensorWrap::Unwrap(o)->tensor().data<int32_t>(); };
  LTH_DISPATCH(d, sparse_dense_structure, out, in, mask.data<uint8_t>(), data(rowptr), data(colidx), data(colptr),
               data(rowidx), data(positions));
  auto num = [&](int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); };
  return result(env, {{"outFeatures", num(out)},
                      {"inFeatures", num(in)},
                      {"nnz", num(nnz)},
                      {"device", Napi::String::New(env, device_name(d))},
                      {"rowPtr", rowptr},
                      {"colIdx", colidx},
                      {"colPtr", colptr},
                      {"rowIdx", rowidx},
                      {"positions", positions}});
}

// sparseDenseForward(x, W, s, { bias, relu, out }): y = x·(W⊙M)ᵀ + bias, ReLU fused, M the structure's nonzeros.
Napi::Value SparseDenseForward(const Napi::CallbackInfo& info) {
  Args a(info, "sparseDenseForward");
  a.options(3);
  Layer l = layer_args(a);
  const SparseStructureView s = structure_arg(a, a.at(2), l.W);
  Tensor* bias = a.optional_tensor(a.opt("bias"), "bias", f32(1));
  if (bias) a.expect_shape(*bias, {l.Out}, "bias");
  const bool relu = a.boolean_or(a.opt("relu"), "relu", false);
  auto y = a.output(a.opt("out"), "out", DType::F32, {l.B, l.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, sparse_dense_forward, l.B, s, l.x.data<float>(), l.W.data<float>(), ptr<float>(bias), relu,
               y.data<float>());
  return y.js(a.env());
}

// sparseDenseBackward(x, W, dy, s, { dx, dW, db }) -> { dx, dW, db }; a given dW is written only at the nonzeros.
Napi::Value SparseDenseBackward(const Napi::CallbackInfo& info) {
  Args a(info, "sparseDenseBackward");
  a.options(4);
  Layer l = layer_args(a);
  Tensor& dy = a.tensor(a.at(2), "dy", f32(2));
  a.expect_shape(dy, {l.B, l.Out}, "dy");
  const SparseStructureView s = structure_arg(a, a.at(3), l.W);
  auto dx = a.grad(a.opt("dx"), "dx", {l.B, l.In});
  auto dW = a.grad(a.opt("dW"), "dW", {l.Out, l.In});
  auto db = a.grad(a.opt("db"), "db", {l.Out});
  Device dev = a.finish();
  LTH_DISPATCH(dev, sparse_dense_backward, l.B, s, l.x.data<float>(), l.W.data<float>(), dy.data<float>(),
               dx.data<float>(), dW.data<float>(), db.data<float>());
  return result(a.env(), {{"dx", dx.js(a.env())}, {"dW", dW.js(a.env())}, {"db", db.js(a.env())}});
}

}  // namespace

void register_sparse_dense(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "sparseDenseStructure", SparseDenseStructure);
  export_fn(env, exports, "sparseDenseForward", SparseDenseForward);
  export_fn(env, exports, "sparseDenseBackward", SparseDenseBackward);
}

}  // namespace lth::binding
