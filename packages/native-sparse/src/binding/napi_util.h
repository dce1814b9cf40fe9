// Helpers shared by the N-API binding files: argument unwrapping with clear messages, the exception
// translator, and device dispatch. Binding files only translate between JS and the kernels in kernels.h.
#pragma once
#include <napi.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "../kernels.h"
#include "../tensor.h"

namespace lth::binding {

// The JS-visible tensor class; holds an lth::Tensor.
class TensorWrap : public Napi::ObjectWrap<TensorWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  static Napi::Object New(Napi::Env env, Tensor t);
  static bool IsInstance(Napi::Value v);
  explicit TensorWrap(const Napi::CallbackInfo& info);
  Tensor& tensor() { return t_; }

 private:
  Napi::Value Disposed(const Napi::CallbackInfo& info);
  Napi::Value Upload(const Napi::CallbackInfo& info);
  Napi::Value Download(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value Reshape(const Napi::CallbackInfo& info);
  Napi::Value Zero(const Napi::CallbackInfo& info);
  Napi::Value ToString(const Napi::CallbackInfo& info);
  Tensor t_;
};

// Allocate a new tensor object (zero-filled) and report its memory to V8.
Napi::Object make_tensor(Napi::Env env, std::vector<int64_t> shape, DType dtype, Device device);

// Argument access. `op` names the JS function in messages, `name` the argument.
Tensor& tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
Tensor* optional_tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
double number_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
std::string string_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);
uint64_t seed_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name);  // number or bigint

void expect_dtype(const Tensor& t, DType d, const char* op, const char* name);
void expect_shape(const Tensor& t, std::initializer_list<int64_t> shape, const char* op, const char* name);
void expect_numel(const Tensor& t, int64_t n, const char* op, const char* name);
// ERR_ALIAS when the output `out` (if given) shares memory with any other given tensor (views included):
// a pointer compare per pair. lib/check.ts checks every op first; this is the addon's cheap re-check.
struct Named {
  const Tensor* t;
  const char* name;
};
void expect_no_alias(const Named& out, std::initializer_list<Named> others, const char* op);
// All given (non-null) tensors live on one device; returns it.
Device common_device(std::initializer_list<const Tensor*> ts, const char* op);

// Typed data pointer or null for an optional tensor.
template <typename T>
T* ptr(Tensor* t) {
  return t ? t->data<T>() : nullptr;
}

// Kernel variant for CPU ops: fast (default) or the plain reference loops (tests, bench validation).
bool use_reference();
void set_use_reference(bool v);

[[noreturn]] void no_cuda_kernel(const char* op);

// Run f, turning lth::Error / std::exception into a JS Error with `.code`.
Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<Napi::Value()>& f);
void throw_js(Napi::Env env, const char* code, const std::string& message);

// Register `fn` as exports[name], wrapped in the translator.
void export_fn(Napi::Env env, Napi::Object exports, const char* name,
               Napi::Value (*fn)(const Napi::CallbackInfo&));

}  // namespace lth::binding

// CUDA kernels arrive with the CUDA backend (LTH_WITH_CUDA_KERNELS); until then an op on a CUDA tensor
// says so instead of silently running elsewhere.
#ifdef LTH_WITH_CUDA_KERNELS
#define LTH_CUDA_CALL(op, ...) ::lth::cuda::op(__VA_ARGS__)
#else
#define LTH_CUDA_CALL(op, ...) (::lth::binding::no_cuda_kernel(#op), ::lth::cpu::op(__VA_ARGS__))
#endif

// LTH_DISPATCH(device, op, args...): call the kernel for the device (and CPU kernel variant).
#define LTH_DISPATCH(dev, op, ...)                                            \
  ((dev) == ::lth::Device::CUDA ? LTH_CUDA_CALL(op, __VA_ARGS__)              \
   : ::lth::binding::use_reference() ? ::lth::cpu::ref::op(__VA_ARGS__)       \
                                      : ::lth::cpu::op(__VA_ARGS__))
