// Seeded, counter-based random numbers: value i of stream `seed` is a pure function of (seed, i), so a
// result does not depend on the device, the thread count or the order of evaluation.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define LTH_HD __host__ __device__ __forceinline__
#else
#define LTH_HD inline
#endif

namespace lth::rng {

// splitmix64 finaliser (Steele, Lea, Flood 2014): a strong 64-bit mixer.
LTH_HD uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

LTH_HD uint64_t bits(uint64_t seed, uint64_t i) { return mix64(mix64(seed) + 0x9e3779b97f4a7c15ULL * (i + 1)); }

// Uniform in [0, 1) with 24 random bits (exactly representable as float).
LTH_HD float uniform(uint64_t seed, uint64_t i) {
  return static_cast<float>(bits(seed, i) >> 40) * (1.0f / 16777216.0f);
}

// Uniform integer in [0, bound), bound > 0, by Lemire's multiply-shift on 64 bits (bias < 2^-32 for any
// bound below 2^32).
LTH_HD uint64_t below(uint64_t seed, uint64_t i, uint64_t bound) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(bits(seed, i)) * bound) >> 64);
}

}  // namespace lth::rng
