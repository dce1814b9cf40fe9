// Shared by the *_vs_ref.cpp checks: seeded random inputs and the comparisons (failures are counted and
// printed, the run goes on).
#pragma once
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

namespace emu {
inline int fails = 0, checks = 0;
inline std::mt19937 rng(7);
inline float rn() { return std::normal_distribution<float>(0, 1)(rng); }
inline std::vector<float> randv(size_t n, float s = 1) { std::vector<float> v(n); for (auto& x : v) x = rn() * s; return v; }
// Masks with values 1..255 for alive entries (nonzero, not just 1), alive with probability d.
inline std::vector<uint8_t> randm(size_t n, double d) { std::vector<uint8_t> v(n); for (auto& x : v) x = std::uniform_real_distribution<double>(0, 1)(rng) < d ? 1 + rng() % 255 : 0; return v; }
inline double maxabs(const std::vector<float>& v) { double m = 0; for (float x : v) m = std::max(m, (double)std::fabs(x)); return m; }
inline void fail(const std::string& what) { printf("FAIL %s\n", what.c_str()); ++fails; }
// |a - b| <= tol·max(max|b|, 1) elementwise, NaN == NaN
inline void close(const std::string& what, const std::vector<float>& got, const std::vector<float>& want, double tol) {
  ++checks;
  if (got.size() != want.size()) return fail(what + ": size differs");
  double scale = std::max(maxabs(want), 1.0);
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    if (!(std::fabs(got[i] - want[i]) <= tol * scale)) {
      printf("FAIL %s at %zu: got %.9g want %.9g\n", what.c_str(), i, got[i], want[i]);
      ++fails;
      return;
    }
  }
}
template <class T> void same(const std::string& what, const std::vector<T>& got, const std::vector<T>& want) {
  ++checks;
  if (got.size() != want.size() || (!want.empty() && std::memcmp(got.data(), want.data(), got.size() * sizeof(T)) != 0)) {
    size_t i = 0;
    while (i < std::min(got.size(), want.size()) && std::memcmp(&got[i], &want[i], sizeof(T)) == 0) ++i;
    printf("FAIL %s: not bit-identical (first difference at %zu of %zu)\n", what.c_str(), i, want.size());
    ++fails;
  }
}
template <class T> void same_value(const std::string& what, T got, T want) {
  ++checks;
  if (!(got == want)) { printf("FAIL %s: got %lld want %lld\n", what.c_str(), (long long)got, (long long)want); ++fails; }
}
inline void zero_where(const std::string& what, const std::vector<float>& v, const std::vector<uint8_t>& m) {
  ++checks;
  for (size_t i = 0; i < v.size(); ++i) if (!m[i] && !(v[i] == 0.0f && !std::signbit(v[i]))) { printf("FAIL %s: pruned %zu is %g\n", what.c_str(), i, v[i]); ++fails; return; }
}
// Runs both; passes when both throw lth::Error with the same code and (when same_message) the same message.
inline void same_error(const std::string& what, const std::function<void()>& ref, const std::function<void()>& dev,
                       bool same_message = true) {
  ++checks;
  std::string m1 = "(no error)", m2 = "(no error)", c1, c2;
  try { ref(); } catch (const lth::Error& e) { m1 = e.what(); c1 = e.code(); }
  try { dev(); } catch (const lth::Error& e) { m2 = e.what(); c2 = e.code(); }
  if (c1.empty() || c1 != c2 || (same_message && m1 != m2))
    printf("FAIL %s: cuda [%s] '%s' vs cpu [%s] '%s'\n", what.c_str(), c2.c_str(), m2.c_str(), c1.c_str(), m1.c_str()), ++fails;
}
}  // namespace emu
