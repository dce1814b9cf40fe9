// The Tensor class as JS sees it, and the `empty` factory.
#include <cmath>
#include <cstring>

#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {
Napi::FunctionReference* g_ctor = nullptr;  // per process; the addon is not context-aware

DType parse_dtype(const std::string& s) {
  if (s == "f32") return DType::F32;
  if (s == "u8") return DType::U8;
  if (s == "i32") return DType::I32;
  fail(code::kDtype, "unknown dtype '", s, "' (expected f32, u8 or i32)");
}

Device parse_device(const std::string& s) {
  if (s == "cpu") return Device::CPU;
  if (s == "cuda") return Device::CUDA;
  fail(code::kDevice, "unknown device '", s, "' (expected cpu or cuda)");
}

std::vector<int64_t> parse_shape(Napi::Value v, const char* op) {
  LTH_CHECK(v.IsArray(), code::kShape, op, ": shape must be an array of non-negative integers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value d = a.Get(i);
    LTH_CHECK(d.IsNumber(), code::kShape, op, ": shape[", i, "] must be a number");
    double x = d.As<Napi::Number>().DoubleValue();
    LTH_CHECK(x >= 0 && x <= static_cast<double>(kMaxElements) && x == std::floor(x), code::kShape, op,
              ": shape[", i, "] must be an integer in [0, ", kMaxElements, "], got ", x);
    shape.push_back(static_cast<int64_t>(x));
  }
  numel_of(shape);  // ERR_SHAPE when the element count exceeds kMaxElements
  return shape;
}

std::function<void(int64_t)> memory_reporter(Napi::Env env) {
  napi_env raw = env;
  return [raw](int64_t delta) {
    int64_t ignored = 0;
    napi_adjust_external_memory(raw, delta, &ignored);
  };
}

Napi::Value Empty(const Napi::CallbackInfo& info) {
  auto shape = parse_shape(info[0], "empty");
  DType dtype = parse_dtype(string_arg(info, 1, "empty", "dtype"));
  Device device = parse_device(string_arg(info, 2, "empty", "device"));
  return make_tensor(info.Env(), std::move(shape), dtype, device);
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
  for (size_t i = 0; i < w->t_.shape.size(); ++i) shape.Set(i, Napi::Number::New(env, static_cast<double>(w->t_.shape[i])));
  shape.Freeze();
  obj.DefineProperties({
      Napi::PropertyDescriptor::Value("shape", shape, napi_enumerable),
      Napi::PropertyDescriptor::Value("dtype", Napi::String::New(env, dtype_name(w->t_.dtype)), napi_enumerable),
      Napi::PropertyDescriptor::Value("device", Napi::String::New(env, device_name(w->t_.device)), napi_enumerable),
      Napi::PropertyDescriptor::Value("numel", Napi::Number::New(env, static_cast<double>(w->t_.numel())), napi_enumerable),
      // Views share their buffer's id: the alias checks in lib/check.ts compare it without a native call.
      Napi::PropertyDescriptor::Value("storageId", Napi::Number::New(env, static_cast<double>(w->t_.buffer->id())), napi_default),
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


Napi::Value TensorWrap::Disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), t_.disposed()); }
Napi::Value TensorWrap::ToString(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "Tensor(" + t_.describe() + (t_.disposed() ? ", disposed)" : ")"));
}

Napi::Value TensorWrap::Upload(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    LTH_CHECK(!t_.disposed(), code::kDisposed, "upload: tensor was disposed");
    LTH_CHECK(info.Length() >= 1 && info[0].IsTypedArray(), code::kArg, "upload: expects a typed array");
    Napi::TypedArray a = info[0].As<Napi::TypedArray>();
    napi_typedarray_type want = t_.dtype == DType::F32 ? napi_float32_array
                                : t_.dtype == DType::U8 ? napi_uint8_array
                                                        : napi_int32_array;
    const char* want_name = t_.dtype == DType::F32 ? "Float32Array" : t_.dtype == DType::U8 ? "Uint8Array" : "Int32Array";
    LTH_CHECK(a.TypedArrayType() == want, code::kDtype, "upload: ", t_.describe(), " takes a ", want_name);
    LTH_CHECK(static_cast<int64_t>(a.ElementLength()) == t_.numel(), code::kShape, "upload: ", t_.describe(),
              " takes ", t_.numel(), " elements, got ", a.ElementLength());
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
      case DType::F32: return Napi::Float32Array::New(env, n, ab, 0);
      case DType::U8: return Napi::Uint8Array::New(env, n, ab, 0);
      case DType::I32: return Napi::Int32Array::New(env, n, ab, 0);
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
    auto shape = parse_shape(info[0], "reshape");
    LTH_CHECK(numel_of(shape) == t_.numel(), code::kShape, "reshape: cannot view ", t_.describe(), " with ",
              numel_of(shape), " elements");
    Tensor view = t_;
    view.shape = std::move(shape);
    return New(info.Env(), std::move(view));
  });
}

void register_tensor(Napi::Env env, Napi::Object exports) {
  exports.Set("Tensor", TensorWrap::Init(env));
  export_fn(env, exports, "empty", Empty);
}

}  // namespace lth::binding
