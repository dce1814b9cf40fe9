// Helpers shared by the N-API binding files: the Tensor class, the exception translator and device dispatch.
// Arguments are read through Args (args.h); binding files only translate between JS and kernels.h.
#pragma once
#include <napi.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "../kernels.h"
#include "../tensor.h"
#include "args.h"

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

// Typed data pointer or null for an optional tensor.
template <typename T>
T* ptr(Tensor* t) {
  return t ? t->data<T>() : nullptr;
}

// A loss's result: { loss, correct, dlogits }.
Napi::Object loss_result(Napi::Env env, const CeResult& r, Napi::Value dlogits);

// Kernel variant for CPU ops: fast (default) or the plain reference loops (tests, bench validation).
bool use_reference();
void set_use_reference(bool v);

// Run f, turning lth::Error / std::exception into a JS Error with `.code`.
Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<Napi::Value()>& f);
void throw_js(Napi::Env env, const char* code, const std::string& message);

// Register `fn` as exports[name], wrapped in the translator.
void export_fn(Napi::Env env, Napi::Object exports, const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&));

}  // namespace lth::binding

// LTH_DISPATCH(device, op, args...): call the kernel for the device (and CPU kernel variant). A build without
// CUDA cannot make a CUDA tensor (allocation throws ERR_NO_CUDA), so its CUDA branch only throws.
#ifdef LTH_WITH_CUDA
#define LTH_CUDA_CALL(op, ...) ::lth::cuda::op(__VA_ARGS__)
#else
#define LTH_CUDA_CALL(op, ...) \
  (::lth::fail(::lth::code::kNoCuda, #op ": this build has no CUDA backend"), ::lth::cpu::op(__VA_ARGS__))
#endif

#define LTH_DISPATCH(dev, op, ...)                                      \
  ((dev) == ::lth::Device::CUDA      ? LTH_CUDA_CALL(op, __VA_ARGS__)   \
   : ::lth::binding::use_reference() ? ::lth::cpu::ref::op(__VA_ARGS__) \
                                     : ::lth::cpu::op(__VA_ARGS__))
