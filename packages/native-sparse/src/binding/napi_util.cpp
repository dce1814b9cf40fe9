#include "napi_util.h"

#include <atomic>
#include <cmath>

namespace lth::binding {

namespace {
std::atomic<bool> g_use_reference{false};

std::string shape_str(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}
}  // namespace

bool use_reference() { return g_use_reference.load(std::memory_order_relaxed); }
void set_use_reference(bool v) { g_use_reference.store(v); }

void no_cuda_kernel(const char* op) {
  fail(code::kDevice, op, ": no CUDA kernel in this build yet; run it on the cpu device");
}

void throw_js(Napi::Env env, const char* c, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, c));
  throw e;
}

Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<Napi::Value()>& f) {
  Napi::Env env = info.Env();
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;  // already a JS error
  } catch (const Error& e) {
    throw_js(env, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throw_js(env, code::kOom, "out of memory");
  } catch (const std::exception& e) {
    throw_js(env, "ERR_NATIVE", std::string("native error: ") + e.what());
  }
  return env.Undefined();
}

void export_fn(Napi::Env env, Napi::Object exports, const char* name,
               Napi::Value (*fn)(const Napi::CallbackInfo&)) {
  exports.Set(name, Napi::Function::New(
                        env, [fn](const Napi::CallbackInfo& info) { return guarded(info, [&] { return fn(info); }); },
                        name));
}

Tensor& tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !TensorWrap::IsInstance(info[i])) {
    fail(code::kArg, op, ": argument '", name, "' must be a Tensor");
  }
  Tensor& t = TensorWrap::Unwrap(info[i].As<Napi::Object>())->tensor();
  LTH_CHECK(!t.disposed(), code::kDisposed, op, ": tensor '", name, "' was disposed");
  return t;
}

Tensor* optional_tensor_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return nullptr;
  return &tensor_arg(info, i, op, name);
}

double number_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) fail(code::kArg, op, ": argument '", name, "' must be a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  LTH_CHECK(std::isfinite(v), code::kArg, op, ": argument '", name, "' must be finite, got ", v);
  return v;
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  double v = number_arg(info, i, op, name);
  LTH_CHECK(v == std::floor(v) && std::fabs(v) <= 9007199254740991.0, code::kArg, op, ": argument '", name,
            "' must be an integer, got ", v);
  return static_cast<int64_t>(v);
}

bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsBoolean()) fail(code::kArg, op, ": argument '", name, "' must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string string_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i >= info.Length() || !info[i].IsString()) fail(code::kArg, op, ": argument '", name, "' must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

uint64_t seed_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  if (i < info.Length() && info[i].IsBigInt()) {
    bool lossless = false;
    uint64_t v = info[i].As<Napi::BigInt>().Uint64Value(&lossless);
    LTH_CHECK(lossless, code::kArg, op, ": seed '", name, "' must fit in 64 unsigned bits");
    return v;
  }
  int64_t v = int_arg(info, i, op, name);
  LTH_CHECK(v >= 0, code::kArg, op, ": seed '", name, "' must be >= 0, got ", v);
  return static_cast<uint64_t>(v);
}

void expect_dtype(const Tensor& t, DType d, const char* op, const char* name) {
  LTH_CHECK(t.dtype == d, code::kDtype, op, ": '", name, "' must be ", dtype_name(d), ", got ", t.describe());
}

void expect_shape(const Tensor& t, std::initializer_list<int64_t> shape, const char* op, const char* name) {
  std::vector<int64_t> want(shape);
  LTH_CHECK(t.shape == want, code::kShape, op, ": '", name, "' must have shape ", shape_str(want), ", got ",
            t.describe());
}

void expect_numel(const Tensor& t, int64_t n, const char* op, const char* name) {
  LTH_CHECK(t.numel() == n, code::kShape, op, ": '", name, "' must have ", n, " elements, got ", t.describe());
}

void expect_no_alias(const Named& out, std::initializer_list<Named> others, const char* op) {
  if (!out.t) return;
  for (const Named& o : others) {
    if (!o.t) continue;
    LTH_CHECK(o.t->buffer != out.t->buffer, code::kAlias, op, ": output '", out.name, "' shares memory with '", o.name,
              "'; pass a separate tensor");
  }
}

Device common_device(std::initializer_list<const Tensor*> ts, const char* op) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t) continue;
    if (!first) first = t;
    LTH_CHECK(t->device == first->device, code::kDevice, op, ": tensors on different devices (",
              first->describe(), " and ", t->describe(), ")");
  }
  return first ? first->device : Device::CPU;
}

}  // namespace lth::binding
