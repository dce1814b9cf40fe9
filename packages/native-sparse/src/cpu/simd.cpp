// The SIMD path choice (see simd.h): CPU feature checks and the LTH_SIMD override, read once.
#include "simd.h"

#include <cstdlib>
#include <cstring>

#include "../errors.h"

namespace lth::cpu {

namespace {

struct Choice {
  SimdPath path = SimdPath::kGeneric;
  std::string error;  // non-empty: LTH_SIMD names no path
  std::string note;
};

SimdPath widest() {
  if (simd_supported(SimdPath::kAvx512)) return SimdPath::kAvx512;
  if (simd_supported(SimdPath::kAvx2)) return SimdPath::kAvx2;
  if (simd_supported(SimdPath::kNeon)) return SimdPath::kNeon;
  return SimdPath::kGeneric;
}

std::string available_list() {
  std::string s;
  for (SimdPath p : simd_available()) s += (s.empty() ? "" : ", ") + std::string(simd_path_name(p));
  return s;
}

Choice choose() {
  Choice c;
  const char* want = std::getenv("LTH_SIMD");
  if (!want || !*want || std::strcmp(want, "auto") == 0) {
    c.path = widest();
    return c;
  }
  SimdPath asked;
  if (std::strcmp(want, "generic") == 0) asked = SimdPath::kGeneric;
  else if (std::strcmp(want, "avx2") == 0) asked = SimdPath::kAvx2;
  else if (std::strcmp(want, "avx512") == 0) asked = SimdPath::kAvx512;
  else if (std::strcmp(want, "neon") == 0) asked = SimdPath::kNeon;
  else {
    c.error = std::string("LTH_SIMD='") + want +
              "' is not a SIMD path (generic, avx2, avx512, neon or auto; this CPU has " + available_list() + ")";
    return c;
  }
  c.path = asked;
  if (!simd_supported(asked)) {
    c.path = asked == SimdPath::kAvx512 && simd_supported(SimdPath::kAvx2) ? SimdPath::kAvx2 : SimdPath::kGeneric;
    c.note = std::string("LTH_SIMD=") + want + " is not available on this CPU/build (it has " + available_list() +
             "); using " + simd_path_name(c.path);
  }
  return c;
}

const Choice& choice() {
  static const Choice c = choose();
  return c;
}

}  // namespace

const char* simd_path_name(SimdPath p) {
  switch (p) {
    case SimdPath::kAvx2:
      return "avx2";
    case SimdPath::kAvx512:
      return "avx512";
    case SimdPath::kNeon:
      return "neon";
    default:
      return "generic";
  }
}

bool simd_supported(SimdPath p) {
  switch (p) {
    case SimdPath::kGeneric:
      return true;
#if defined(__x86_64__)
    case SimdPath::kAvx2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SimdPath::kAvx512:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case SimdPath::kNeon:
      return true;  // Advanced SIMD is baseline on AArch64
#endif
    default:
      return false;
  }
}

std::vector<SimdPath> simd_available() {
  std::vector<SimdPath> out;
  for (SimdPath p : {SimdPath::kGeneric, SimdPath::kNeon, SimdPath::kAvx2, SimdPath::kAvx512})
    if (simd_supported(p)) out.push_back(p);
  return out;
}

SimdPath simd_path() {
  const Choice& c = choice();
  if (!c.error.empty()) fail(code::kArg, c.error);
  return c.path;
}

const std::string& simd_note() { return choice().note; }

}  // namespace lth::cpu
