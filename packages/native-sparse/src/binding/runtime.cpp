// Process-wide settings and capabilities: threads, CPU SIMD level, CUDA build and devices, kernel variant.
#include "../cpu/simd.h"
#include "../cuda_runtime_api.h"
#include "../parallel.h"
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {
Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object cpu = Napi::Object::New(env);
  cpu.Set("threads", num_threads());
  // The SIMD path the kernels run (env LTH_SIMD, see src/cpu/simd.h; ERR_ARG for a name that is no path),
  // the paths this CPU has, and why the path differs from LTH_SIMD's request when it does.
  cpu.Set("simd", cpu::simd_path_name(cpu::simd_path()));
  Napi::Array avail = Napi::Array::New(env);
  for (cpu::SimdPath p : cpu::simd_available()) avail.Set(avail.Length(), cpu::simd_path_name(p));
  cpu.Set("simdAvailable", avail);
  if (!cpu::simd_note().empty()) cpu.Set("simdNote", cpu::simd_note());

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
