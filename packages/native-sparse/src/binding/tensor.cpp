// The Tensor class as JS sees it, and the factories: zeros, fromArray; shapes and device requests.
#include <cmath>
#include <cstring>

#include "../cuda_runtime_api.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {
Napi::FunctionReference* g_ctor = nullptr;  // per process; the addon is not context-aware

// A device request: 'cpu' (default), 'cuda' (ERR_NO_CUDA without a usable device, never a silent fallback)
// or 'auto' (cuda when usable, else cpu). The build and the visible devices do not change while the process
// runs: asked once.
Device device_request(Napi::Value v) {
  if (v.IsUndefined()) return Device::CPU;
  const std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
  if (v.IsString() && s == "cpu") return Device::CPU;
  LTH_CHECK(v.IsString() && (s == "cuda" || s == "auto"), code::kDevice, "device must be 'cpu', 'cuda' or 'auto', got ",
            describe_value(v));
  static const bool compiled = cuda_compiled();
  static const bool visible = compiled && !cuda_devices().empty();
  if (s == "auto") return visible ? Device::CUDA : Device::CPU;
  LTH_CHECK(visible, code::kNoCuda,
            compiled ? "device cuda requested but no CUDA device is visible"
                     : "device cuda requested but this build has no CUDA backend");
  return Device::CUDA;
}

std::function<void(int64_t)> memory_reporter(Napi::Env env) {
  napi_env raw = env;
  return [raw](int64_t delta) {
    int64_t ignored = 0;
    napi_adjust_external_memory(raw, delta, &ignored);
  };
}

// zeros(shape, { dtype?, device? })
Napi::Value Zeros(const Napi::CallbackInfo& info) {
  Args a(info, "zeros");
  auto shape = a.shape(a.at(0), "shape");
  a.options(1);
  const std::string dt = a.opt("dtype").IsUndefined() ? "f32" : a.one_of(a.opt("dtype"), "dtype", {"f32", "u8", "i32"});
  DType dtype = dt == "u8" ? DType::U8 : dt == "i32" ? DType::I32 : DType::F32;
  return make_tensor(info.Env(), std::move(shape), dtype, device_request(a.opt("device")));
}

// fromArray(data: Float32Array | Uint8Array | Int32Array, shape, { device? }): the dtype follows the array.
Napi::Value FromArray(const Napi::CallbackInfo& info) {
  Args a(info, "fromArray");
  Napi::Value data = a.at(0);
  const napi_typedarray_type type =
      data.IsTypedArray() ? data.As<Napi::TypedArray>().TypedArrayType() : napi_int8_array;
  LTH_CHECK(type == napi_float32_array || type == napi_uint8_array || type == napi_int32_array, code::kArg,
            "fromArray: 'data' must be a Float32Array, Uint8Array or Int32Array, got ", describe_value(data));
  auto shape = a.shape(a.at(1), "shape");
  a.options(2);
  const size_t n = data.As<Napi::TypedArray>().ElementLength();
  LTH_CHECK(numel_of(shape) == static_cast<int64_t>(n), code::kShape, "fromArray: shape needs ", numel_of(shape),
            " elements, got ", n);
  DType dtype = type == napi_float32_array ? DType::F32 : type == napi_uint8_array ? DType::U8 : DType::I32;
  Napi::Object t = make_tensor(info.Env(), std::move(shape), dtype, device_request(a.opt("device")));
  Napi::TypedArray arr = data.As<Napi::TypedArray>();
  Tensor& dst = TensorWrap::Unwrap(t)->tensor();
  copy_to_device(dst.device, dst.buffer->data(),
                 static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset(), dst.bytes());
  return t;
}

// numelOf(shape): the element count, ERR_SHAPE unless a valid shape.
Napi::Value NumelOf(const Napi::CallbackInfo& info) {
  Args a(info, "numelOf");
  return Napi::Number::New(info.Env(), static_cast<double>(numel_of(a.shape(a.at(0), "shape"))));
}

Napi::Value ResolveDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), device_name(device_request(info[0])));
}
}  // namespace

Napi::Function TensorWrap::Init(Napi::Env env) {
  // Configurable, so lib/native.ts can wrap each one: V8 rejects a detached call (`const f = t.download;
  // f()`) with a bare TypeError before it reaches C++; the wrapper turns that into an ERR_ARG.
  constexpr auto m = static_cast<napi_property_attributes>(napi_writable | napi_configurable);
  Napi::Function cls = DefineClass(
      env, "Tensor",
      {InstanceAccessor<&TensorWrap::Disposed>("disposed", napi_configurable),
       InstanceMethod<&TensorWrap::Upload>("upload", m), InstanceMethod<&TensorWrap::Download>("download", m),
       InstanceMethod<&TensorWrap::Dispose>("dispose", m), InstanceMethod<&TensorWrap::Reshape>("reshape", m),
       InstanceMethod<&TensorWrap::Zero>("zero", m), InstanceMethod<&TensorWrap::ToString>("toString", m)});
  g_ctor = new Napi::FunctionReference(Napi::Persistent(cls));
  return cls;
}

bool TensorWrap::IsInstance(Napi::Value v) {
  return g_ctor && v.IsObject() && v.As<Napi::Object>().InstanceOf(g_ctor->Value());
}

TensorWrap::TensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorWrap>(info) {
  // Constructed only through make_tensor (which passes an External marker); a direct `new Tensor()`
  // from JS gets a clear error instead of an unusable object.
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw_js(info.Env(), code::kArg, "Tensor cannot be constructed directly; use empty()/fromArray()");
  }
}

Napi::Object TensorWrap::New(Napi::Env env, Tensor t) {
  Napi::Object obj = g_ctor->New({Napi::External<void>::New(env, nullptr)});
  TensorWrap* w = Unwrap(obj);
  w->t_ = std::move(t);
  // shape, dtype, device and numel never change for a tensor object (reshape makes a new one), so they are
  // plain read-only data properties: reading them from JS is a property load, not a native call.
  Napi::Array shape = Napi::Array::New(env, w->t_.shape.size());
  for (size_t i = 0; i < w->t_.shape.size(); ++i)
    shape.Set(i, Napi::Number::New(env, static_cast<double>(w->t_.shape[i])));
  shape.Freeze();
  obj.DefineProperties({
      Napi::PropertyDescriptor::Value("shape", shape, napi_enumerable),
      Napi::PropertyDescriptor::Value("dtype", Napi::String::New(env, dtype_name(w->t_.dtype)), napi_enumerable),
      Napi::PropertyDescriptor::Value("device", Napi::String::New(env, device_name(w->t_.device)), napi_enumerable),
      Napi::PropertyDescriptor::Value("numel", Napi::Number::New(env, static_cast<double>(w->t_.numel())),
                                      napi_enumerable),
      // Views share their buffer's id: the alias checks in lib/check.ts compare it without a native call.
      Napi::PropertyDescriptor::Value("storageId", Napi::Number::New(env, static_cast<double>(w->t_.buffer->id())),
                                      napi_default),
  });
  return obj;
}

Napi::Object make_tensor(Napi::Env env, std::vector<int64_t> shape, DType dtype, Device device) {
  Tensor t;
  t.shape = std::move(shape);
  t.dtype = dtype;
  t.device = device;
  t.buffer = std::make_shared<Buffer>(device, t.bytes(), memory_reporter(env));
  return TensorWrap::New(env, std::move(t));
}

Napi::Value TensorWrap::Disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), t_.disposed());
}
Napi::Value TensorWrap::ToString(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "Tensor(" + t_.describe() + (t_.disposed() ? ", disposed)" : ")"));
}

Napi::Value TensorWrap::Upload(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    LTH_CHECK(!t_.disposed(), code::kDisposed, "upload: tensor was disposed");
    LTH_CHECK(info.Length() >= 1 && info[0].IsTypedArray(), code::kArg, "upload: expects a typed array");
    Napi::TypedArray a = info[0].As<Napi::TypedArray>();
    napi_typedarray_type want = t_.dtype == DType::F32  ? napi_float32_array
                                : t_.dtype == DType::U8 ? napi_uint8_array
                                                        : napi_int32_array;
    const char* want_name = t_.dtype == DType::F32  ? "Float32Array"
                            : t_.dtype == DType::U8 ? "Uint8Array"
                                                    : "Int32Array";
    LTH_CHECK(a.TypedArrayType() == want, code::kDtype, "upload: ", t_.describe(), " takes a ", want_name);
    LTH_CHECK(static_cast<int64_t>(a.ElementLength()) == t_.numel(), code::kShape, "upload: ", t_.describe(), " takes ",
              t_.numel(), " elements, got ", a.ElementLength());
    const uint8_t* src = static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
    copy_to_device(t_.device, t_.buffer->data(), src, t_.bytes());
    return info.This();
  });
}

Napi::Value TensorWrap::Download(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    LTH_CHECK(!t_.disposed(), code::kDisposed, "download: tensor was disposed");
    Napi::Env env = info.Env();
    size_t n = static_cast<size_t>(t_.numel());
    Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, t_.bytes());
    copy_from_device(t_.device, ab.Data(), t_.buffer->data(), t_.bytes());
    switch (t_.dtype) {
      case DType::F32:
        return Napi::Float32Array::New(env, n, ab, 0);
      case DType::U8:
        return Napi::Uint8Array::New(env, n, ab, 0);
      case DType::I32:
        return Napi::Int32Array::New(env, n, ab, 0);
    }
    return env.Undefined();
  });
}

Napi::Value TensorWrap::Dispose(const Napi::CallbackInfo& info) {
  t_.buffer.reset();  // idempotent
  return info.Env().Undefined();
}

Napi::Value TensorWrap::Zero(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    LTH_CHECK(!t_.disposed(), code::kDisposed, "zero: tensor was disposed");
    fill_zero(t_.device, t_.buffer->data(), t_.bytes());
    return info.This();
  });
}

Napi::Value TensorWrap::Reshape(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    LTH_CHECK(!t_.disposed(), code::kDisposed, "reshape: tensor was disposed");
    Args a(info, "reshape");
    auto shape = a.shape(a.at(0), "shape");
    LTH_CHECK(numel_of(shape) == t_.numel(), code::kShape, "reshape: cannot view ", t_.describe(), " with ",
              numel_of(shape), " elements");
    Tensor view = t_;
    view.shape = std::move(shape);
    return New(info.Env(), std::move(view));
  });
}

void register_tensor(Napi::Env env, Napi::Object exports) {
  exports.Set("Tensor", TensorWrap::Init(env));
  export_fn(env, exports, "zeros", Zeros);
  export_fn(env, exports, "fromArray", FromArray);
  export_fn(env, exports, "numelOf", NumelOf);
  export_fn(env, exports, "resolveDevice", ResolveDevice);
}

}  // namespace lth::binding
