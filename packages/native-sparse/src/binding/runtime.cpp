// Process-wide settings and capabilities: threads, CPU SIMD level, CUDA build and devices, kernel variant.
#include "../cuda_runtime_api.h"
#include "../parallel.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {
const char* simd_level() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  return "sse2";
#elif defined(__aarch64__)
  return "neon";
#else
  return "scalar";
#endif
}

Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("threads", num_threads());
  cpu.Set("simd", simd_level());

  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", cuda_compiled());
  Napi::Array archs = Napi::Array::New(env);
#ifdef LTH_CUDA_ARCHS
  {
    int list[] = {LTH_CUDA_ARCHS};
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); ++i) archs.Set(i, list[i]);
  }
#endif
  cuda.Set("archs", archs);
  cuda.Set("runtimeVersion", cuda_runtime_version());
  cuda.Set("kernels", cuda_compiled());  // every op has a CUDA kernel in a CUDA build
  Napi::Array devices = Napi::Array::New(env);
  auto list = cuda_devices();
  for (size_t i = 0; i < list.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("index", list[i].index);
    d.Set("name", list[i].name);
    d.Set("computeCapability", std::to_string(list[i].sm_major) + "." + std::to_string(list[i].sm_minor));
    d.Set("totalMemory", static_cast<double>(list[i].total_memory));
    d.Set("multiprocessors", list[i].multiprocessors);
    devices.Set(i, d);
  }
  cuda.Set("devices", devices);

  Napi::Object out = Napi::Object::New(env);
  out.Set("cpu", cpu);
  out.Set("cuda", cuda);
  return out;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Args a(info, "setThreads");
  set_num_threads(static_cast<int>(a.integer(a.at(0), "threads", 1, 1024)));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), num_threads()); }

Napi::Value SetKernelVariant(const Napi::CallbackInfo& info) {
  Args a(info, "setKernelVariant");
  set_use_reference(a.one_of(a.at(0), "variant", {"fast", "reference"}) == "reference");
  return info.Env().Undefined();
}

Napi::Value GetKernelVariant(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), use_reference() ? "reference" : "fast");
}
}  // namespace

void register_runtime(Napi::Env env, Napi::Object exports) {
  export_fn(env, exports, "capabilities", Capabilities);
  export_fn(env, exports, "setThreads", SetThreads);
  export_fn(env, exports, "getThreads", GetThreads);
  export_fn(env, exports, "setKernelVariant", SetKernelVariant);
  export_fn(env, exports, "getKernelVariant", GetKernelVariant);
}

}  // namespace lth::binding
