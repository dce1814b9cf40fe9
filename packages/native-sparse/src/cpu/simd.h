// The CPU SIMD path: which explicit kernels (GEMM micro-kernels and B packers, CSR SpMM tiles, the AVX-512
// magnitude histogram) run. One choice per process, made at the first use: the widest path the CPU
// supports, or the one env LTH_SIMD names (generic | avx2 | avx512 | neon | auto), to compare paths or test
// the narrower ones on a wider machine. A named path this CPU lacks runs the widest available narrower one
// (avx512 → avx2 → generic, neon → generic) and capabilities().cpu.simdNote says so; a name that is not a
// path is ERR_ARG from every kernel that dispatches on it (and from capabilities()).
// Element-wise ops (ReLU, pooling, optimizers, …) are not covered: they use target_clones (LTH_CLONES),
// resolved by the loader to the widest ISA.
#pragma once
#include <string>
#include <vector>

namespace lth::cpu {

enum class SimdPath { kGeneric, kAvx2, kAvx512, kNeon };

const char* simd_path_name(SimdPath p);
bool simd_supported(SimdPath p);         // does this CPU (and build) have it
std::vector<SimdPath> simd_available();  // generic first, widest last
// The path in use (ERR_ARG when LTH_SIMD names no path). Cheap after the first call.
SimdPath simd_path();
// Empty, or why the path in use differs from the one LTH_SIMD asked for.
const std::string& simd_note();

inline bool has_avx512() { return simd_path() == SimdPath::kAvx512; }
inline bool has_avx2() { return simd_path() == SimdPath::kAvx2; }
inline bool has_neon() { return simd_path() == SimdPath::kNeon; }

}  // namespace lth::cpu

// target_clones for the x86 function multi-versioning of element-wise loops; other targets compile the
// plain function (aarch64: NEON is baseline and the compiler vectorises for it).
#if defined(__x86_64__)
#define LTH_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#else
#define LTH_CLONES(...)
#endif
