// Run-time choice of the explicit AVX-512 kernels (the binary is built for baseline x86-64).
// LTH_CPU_NO_AVX512=1 forces the portable paths, to test them on AVX-512 machines.
#pragma once
#include <cstdlib>

namespace lth::cpu {

inline bool has_avx512() {
#if defined(__x86_64__)
  static const bool yes = [] {
    const char* off = std::getenv("LTH_CPU_NO_AVX512");
    if (off && *off && *off != '0') return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return yes;
#else
  return false;
#endif
}

}  // namespace lth::cpu
