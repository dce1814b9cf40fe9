#include "napi_util.h"

#include <atomic>
#include <cmath>

namespace lth::binding {

namespace {
std::atomic<bool> g_use_reference{false};
}  // namespace

bool use_reference() { return g_use_reference.load(std::memory_order_relaxed); }
void set_use_reference(bool v) { g_use_reference.store(v); }

Napi::Object loss_result(Napi::Env env, const CeResult& r, Napi::Value dlogits) {
  return result(env, {{"loss", Napi::Number::New(env, r.loss)},
                      {"correct", Napi::Number::New(env, static_cast<double>(r.correct))},
                      {"dlogits", dlogits}});
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

void export_fn(Napi::Env env, Napi::Object exports, const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
  exports.Set(name,
              Napi::Function::New(
                  env, [fn](const Napi::CallbackInfo& info) { return guarded(info, [&] { return fn(info); }); }, name));
}

}  // namespace lth::binding
