// gemm(A, B, { transA, transB, alpha, beta, out }) and denseKernelInfo().
#include "../cpu/gemm_internal.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// C[M,N] = alpha·op(A)·op(B) + beta·C; A is [M,K] ([K,M] with transA), B is [K,N] ([N,K] with transB).
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Args a(info, "gemm");
  Tensor& A = a.tensor(a.at(0), "A", f32(2));
  Tensor& B = a.tensor(a.at(1), "B", f32(2));
  a.options(2);
  const bool ta = a.boolean_or(a.opt("transA"), "transA", false), tb = a.boolean_or(a.opt("transB"), "transB", false);
  const float alpha = static_cast<float>(a.number_or(a.opt("alpha"), "alpha", 1));
  const float beta = static_cast<float>(a.number_or(a.opt("beta"), "beta", 0));
  const int64_t M = ta ? A.shape[1] : A.shape[0], K = ta ? A.shape[0] : A.shape[1];
  const int64_t Kb = tb ? B.shape[1] : B.shape[0], N = tb ? B.shape[0] : B.shape[1];
  LTH_CHECK(K == Kb, code::kShape, a.op(), ": inner dimensions differ: op(A) is [", M, ",", K, "], op(B) is [", Kb, ",",
            N, "]");
  LTH_CHECK(beta == 0 || !a.opt("out").IsUndefined(), code::kArg, a.op(), ": beta ", beta,
            " needs an 'out' tensor to accumulate into");
  auto C = a.output(a.opt("out"), "out", DType::F32, {M, N});
  Device d = a.finish();
  LTH_DISPATCH(d, gemm, ta ? Trans::T : Trans::N, tb ? Trans::T : Trans::N, M, N, K, alpha, A.data<float>(),
               B.data<float>(), beta, C.data<float>());
  return C.js(a.env());
}

// Which CPU GEMM variant runs here (picked once per process; LTH_CPU_ISA overrides) and its micro-tile.
Napi::Value DenseKernelInfo(const Napi::CallbackInfo& info) {
  const auto& isa = cpu::gemm_detail::active_isa();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", isa.name);
  o.Set("mr", isa.mr);
  o.Set("nr", isa.nr);
  return o;
}

}  // namespace

void register_gemm(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "gemm", Gemm);
  export_fn(env, exports, "denseKernelInfo", DenseKernelInfo);
}

}  // namespace lth::binding
