// The CUDA ops (src/cuda/*.cu, launches rewritten by rewrite-launches.mjs, run in the emulation of
// cuda_runtime.h) against lth::cpu::ref, the definition of every op: values within fp32 tolerance, discrete
// outputs and elementwise ops bit for bit, pruned positions exactly 0, error messages equal, a second run
// bit-identical, no scratch leaked. This file: gemm, masked dense, elementwise, losses, optimizers, and main.
// Usage: ops_vs_ref [gemm|dense|elem|loss|optim|conv|pool|bn|gather|csr|mask|prune] (default: all).
#include "check.h"
using namespace lth;
using namespace emu;

// The other ops' suites (conv_vs_ref.cpp, pool_bn_vs_ref.cpp, sparse_vs_ref.cpp).
void suite_conv();
void suite_pool();
void suite_bn();
void suite_gather();
void suite_csr();
void suite_mask();
void suite_prune();

static void test_gemm(int64_t M, int64_t N, int64_t K, bool ta, bool tb, float alpha, float beta, bool nanC) {
  auto A = randv(M * K), B = randv(K * N), C0 = randv(M * N);
  if (nanC) std::fill(C0.begin(), C0.end(), NAN);
  auto C1 = C0, C2 = C0;
  Trans a = ta ? Trans::T : Trans::N, b = tb ? Trans::T : Trans::N;
  cpu::ref::gemm(a, b, M, N, K, alpha, A.data(), B.data(), beta, C1.data());
  cuda::gemm(a, b, M, N, K, alpha, A.data(), B.data(), beta, C2.data());
  char name[128];
  snprintf(name, sizeof name, "gemm %c%c %ldx%ldx%ld a %g b %g%s", ta ? 'T' : 'N', tb ? 'T' : 'N', (long)M, (long)N, (long)K, alpha, beta, nanC ? " nanC" : "");
  close(name, C2, C1, 2e-7 * (K + 4) * 4);
  // determinism: a second run gives the same bits
  auto C3 = C0;
  cuda::gemm(a, b, M, N, K, alpha, A.data(), B.data(), beta, C3.data());
  same(name, C3, C2);
}

static void test_dense(int64_t B, int64_t In, int64_t Out, double density, bool bias, bool relu, bool whole_rows) {
  auto x = randv(B * In), W = randv(Out * In, 0.3f), bs = randv(Out), dy = randv(B * Out);
  auto mask = randm(Out * In, density);
  if (whole_rows) { for (int64_t o = 0; o < Out; o += 3) std::fill(mask.begin() + o * In, mask.begin() + (o + 1) * In, 0); for (int64_t o = 0; o < Out && In; ++o) mask[o * In] = 0; }
  for (size_t i = 0; i < W.size(); ++i) if (!mask[i]) W[i] = NAN;  // pruned weights (NaN) must never reach a sum
  std::vector<float> y1(B * Out, 7), y2(B * Out, 7);
  cpu::ref::masked_dense_forward(B, In, Out, x.data(), W.data(), mask.data(), bias ? bs.data() : nullptr, relu, y1.data());
  cuda::masked_dense_forward(B, In, Out, x.data(), W.data(), mask.data(), bias ? bs.data() : nullptr, relu, y2.data());
  char name[128];
  snprintf(name, sizeof name, "dense %ld %ld->%ld d %.2f%s", (long)B, (long)In, (long)Out, density, whole_rows ? " rows" : "");
  close(name, y2, y1, 2e-7 * (In + 4) * 4);
  std::vector<float> dx1(B * In, 5), dx2(B * In, 5), dW1(Out * In, 5), dW2(Out * In, 5), db1(Out, 5), db2(Out, 5);
  cpu::ref::masked_dense_backward(B, In, Out, x.data(), W.data(), mask.data(), dy.data(), dx1.data(), dW1.data(), db1.data());
  cuda::masked_dense_backward(B, In, Out, x.data(), W.data(), mask.data(), dy.data(), dx2.data(), dW2.data(), db2.data());
  close((std::string(name) + " dx").c_str(), dx2, dx1, 2e-7 * (Out + 4) * 4);
  close((std::string(name) + " dW").c_str(), dW2, dW1, 2e-7 * (B + 4) * 4);
  zero_where((std::string(name) + " dW zero").c_str(), dW2, mask);
  close((std::string(name) + " db").c_str(), db2, db1, 1e-6);
  // null outputs are skipped
  std::vector<float> dW3(Out * In, 5);
  cuda::masked_dense_backward(B, In, Out, x.data(), W.data(), mask.data(), dy.data(), nullptr, dW3.data(), nullptr);
  same((std::string(name) + " dW alone").c_str(), dW3, dW2);
}

static void test_elementwise(int64_t n) {
  auto x = randv(n);
  for (int64_t i = 0; i < n; i += 7) x[i] = i % 14 ? -0.0f : 0.0f;
  if (n > 3) x[3] = NAN;
  std::vector<float> y1(n), y2(n), d1(n), d2(n);
  cpu::ref::relu_forward(n, x.data(), y1.data());
  cuda::relu_forward(n, x.data(), y2.data());
  same("relu", y2, y1);
  auto dy = randv(n);
  cpu::ref::relu_backward(n, y1.data(), dy.data(), d1.data());
  cuda::relu_backward(n, y1.data(), dy.data(), d2.data());
  same("relu_backward", d2, d1);
  for (float p : {0.0f, 0.3f, 0.5f, 0.9f}) {
    std::vector<uint8_t> k1(n), k2(n);
    cpu::ref::dropout_forward(n, p, 0xfeedbeefcafeULL, x.data(), y1.data(), k1.data());
    cuda::dropout_forward(n, p, 0xfeedbeefcafeULL, x.data(), y2.data(), k2.data());
    same("dropout y", y2, y1);
    same("dropout keep", k2, k1);
    cpu::ref::dropout_backward(n, p, k1.data(), dy.data(), d1.data());
    cuda::dropout_backward(n, p, k1.data(), dy.data(), d2.data());
    same("dropout dx", d2, d1);
  }
  cpu::ref::add_forward(n, x.data(), dy.data(), y1.data());
  cuda::add_forward(n, x.data(), dy.data(), y2.data());
  same("add", y2, y1);
}

static void test_softmax(int64_t B, int64_t C, int kind) {
  std::vector<float> L(B * C);
  for (auto& v : L) v = kind == 1 ? (float)((int)(rng() % 3) - 1) : rn() * 3;
  if (kind == 2 && B > 1 && C > 2) { L[0] = NAN; L[C + 1] = NAN; }  // row 0 starts with NaN; row 1 has one later
  std::vector<int32_t> y(B);
  for (auto& v : y) v = rng() % C;
  if (kind == 2 && B > 2 && C > 33) { L[2 * C + 1] = NAN; L[2 * C + 33] = 100; y[2] = 33; }  // NaN first in lane 1, max later in it
  std::vector<float> d1(B * C, 3), d2(B * C, 3);
  CeResult r1 = cpu::ref::softmax_cross_entropy(B, C, L.data(), y.data(), d1.data());
  CeResult r2 = cuda::softmax_cross_entropy(B, C, L.data(), y.data(), d2.data());
  char name[96];
  snprintf(name, sizeof name, "softmax %ldx%ld kind %d", (long)B, (long)C, kind);
  ++checks;
  if (!(r1.correct == r2.correct && (std::fabs(r1.loss - r2.loss) <= 1e-12 * std::max(1.0, std::fabs(r1.loss)) || (std::isnan(r1.loss) && std::isnan(r2.loss))))) {
    printf("FAIL %s: loss %.17g/%.17g correct %ld/%ld\n", name, r2.loss, r1.loss, (long)r2.correct, (long)r1.correct); ++fails;
  }
  close(name, d2, d1, 1e-7);
  CeResult r3 = cuda::softmax_cross_entropy(B, C, L.data(), y.data(), nullptr);
  ++checks;
  if (std::memcmp(&r3.loss, &r2.loss, 8) != 0 || r3.correct != r2.correct) { printf("FAIL %s: loss-only differs\n", name); ++fails; }
}

static void test_bad_labels() {
  std::vector<float> L = randv(5 * 4), d(5 * 4, 9);
  std::vector<int32_t> y = {0, 3, 4, -1, 2};
  std::string m1, m2;
  try { cpu::ref::softmax_cross_entropy(5, 4, L.data(), y.data(), d.data()); } catch (const Error& e) { m1 = e.what(); }
  try { cuda::softmax_cross_entropy(5, 4, L.data(), y.data(), d.data()); } catch (const Error& e) { m2 = e.what(); if (std::string(e.code()) != "ERR_ARG") m2 += " wrong code"; }
  ++checks;
  if (m1.empty() || m1 != m2) { printf("FAIL bad label: '%s' vs '%s'\n", m2.c_str(), m1.c_str()); ++fails; }
  ++checks;
  for (float v : d) if (v != 9) { printf("FAIL bad label: dlogits written\n"); ++fails; break; }
  std::vector<float> z = randv(6), yl = {0, 1, 0.5f, NAN, 2, 1}, dz(6, 9);
  m1.clear(); m2.clear();
  try { cpu::ref::sigmoid_binary_cross_entropy(6, z.data(), yl.data(), dz.data()); } catch (const Error& e) { m1 = e.what(); }
  try { cuda::sigmoid_binary_cross_entropy(6, z.data(), yl.data(), dz.data()); } catch (const Error& e) { m2 = e.what(); }
  ++checks;
  if (m1.empty() || m1 != m2) { printf("FAIL bad bce label: '%s' vs '%s'\n", m2.c_str(), m1.c_str()); ++fails; }
  ++checks;
  for (float v : dz) if (v != 9) { printf("FAIL bad bce label: dlogits written\n"); ++fails; break; }
}

static void test_bce(int64_t B) {
  auto z = randv(B, 5);
  std::vector<float> y(B);
  for (int64_t i = 0; i < B; ++i) y[i] = i % 3 == 0 ? 0.5f : (float)(rng() % 2);
  if (B > 10) { z[1] = 0; z[2] = 1e4f; z[3] = -1e4f; z[4] = -0.0f; }
  std::vector<float> d1(B), d2(B);
  CeResult r1 = cpu::ref::sigmoid_binary_cross_entropy(B, z.data(), y.data(), d1.data());
  CeResult r2 = cuda::sigmoid_binary_cross_entropy(B, z.data(), y.data(), d2.data());
  ++checks;
  if (!(r1.correct == r2.correct && std::fabs(r1.loss - r2.loss) <= 1e-12 * std::max(1.0, std::fabs(r1.loss)))) {
    printf("FAIL bce %ld: loss %.17g/%.17g correct %ld/%ld\n", (long)B, r2.loss, r1.loss, (long)r2.correct, (long)r1.correct); ++fails;
  }
  close("bce dlogits", d2, d1, 1e-7);
}

static void test_optim(int64_t n, double density, bool use_mask) {
  auto w = randv(n), g = randv(n, 0.1f), s1 = randv(n, 0.05f), s2 = randv(n, 0.05f);
  s1.reserve(1);  // a real (non-null) buffer even when n == 0
  for (auto& v : s2) v *= v;
  auto mask = randm(n, density);
  for (int64_t i = 0; i < n; i += 5) if (!mask[i]) g[i] = NAN;
  const uint8_t* mk = use_mask ? mask.data() : nullptr;
  for (int variant = 0; variant < 3; ++variant) {
    SgdParams p{0.1f, variant ? 0.9f : 0.0f, variant == 2 ? 0.1f : 0.0f, 5e-4f, variant == 1};
    auto w1 = w, w2 = w, v1 = s1, v2 = s1;
    float dummy1 = 0, dummy2 = 0;  // a real velocity buffer when n == 0
    cpu::ref::sgd_step(n, p, w1.data(), g.data(), mk, variant ? (n ? v1.data() : &dummy1) : nullptr);
    cuda::sgd_step(n, p, w2.data(), g.data(), mk, variant ? (n ? v2.data() : &dummy2) : nullptr);
    close("sgd w", w2, w1, 1e-7);
    close("sgd v", v2, v1, 1e-7);
    if (mk) { zero_where("sgd w zero", w2, mask); if (variant) zero_where("sgd v zero", v2, mask); }
  }
  for (int variant = 0; variant < 2; ++variant) {
    AdamParams p{1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, 7, variant == 1};
    auto w1 = w, w2 = w, m1 = s1, m2 = s1, v1 = s2, v2 = s2;
    cpu::ref::adam_step(n, p, w1.data(), g.data(), mk, m1.data(), v1.data());
    cuda::adam_step(n, p, w2.data(), g.data(), mk, m2.data(), v2.data());
    close("adam w", w2, w1, 1e-7);
    close("adam m", m2, m1, 1e-7);
    close("adam v", v2, v1, 1e-7);
    if (mk) { zero_where("adam w zero", w2, mask); zero_where("adam m zero", m2, mask); zero_where("adam v zero", v2, mask); }
  }
  std::string e1, e2;
  AdamParams bad{1e-3f, 0.9f, 0.999f, 1e-8f, 0, 0, false};
  try { cpu::ref::adam_step(n, bad, w.data(), g.data(), mk, s1.data(), s2.data()); } catch (const Error& e) { e1 = e.what(); }
  try { cuda::adam_step(n, bad, w.data(), g.data(), mk, s1.data(), s2.data()); } catch (const Error& e) { e2 = e.what(); }
  ++checks;
  if (e1.empty() || e1 != e2) { printf("FAIL adam step 0: '%s' vs '%s'\n", e2.c_str(), e1.c_str()); ++fails; }
}

int main(int argc, char** argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  auto want = [&](const char* s) { return only.empty() || only == s; };
  if (want("gemm")) {
    for (int t = 0; t < 4; ++t) {
      bool ta = t & 1, tb = t & 2;
      test_gemm(1, 1, 1, ta, tb, 2, 0.5f, false);
      test_gemm(37, 29, 53, ta, tb, 0.75f, -0.5f, false);
      test_gemm(65, 47, 33, ta, tb, -1.5f, 1, false);
      test_gemm(17, 13, 9, ta, tb, 1, 0, true);
      test_gemm(5, 3, 0, ta, tb, 1, 0.5f, false);
      test_gemm(0, 7, 4, ta, tb, 1, 0, false);
      test_gemm(6, 0, 4, ta, tb, 1, 0, false);
      test_gemm(33, 70, 4099, ta, tb, 0.5f, -1, false);  // split K
      test_gemm(5, 3, 2051, ta, tb, 1, 0, true);         // split K over NaN C
    }
    test_gemm(1300, 1420, 19, false, false, 1, 0, false);  // large tile
    test_gemm(1300, 1420, 19, true, true, -0.5f, 0.25f, false);
    test_gemm(1300, 1420, 19, false, true, 1, 0, true);
    test_gemm(1300, 1420, 19, true, false, 2, 1, false);
    fprintf(stderr, "gemm done: %d checks %d fails\n", checks, fails);
  }
  if (want("dense")) {
    test_dense(60, 784, 300, 0.2, true, true, false);
    test_dense(13, 29, 17, 0.5, true, true, true);
    test_dense(7, 9, 5, 0.0, true, true, false);
    test_dense(1, 1, 1, 1.0, true, false, false);
    test_dense(0, 8, 4, 0.5, true, false, false);
    test_dense(3, 0, 5, 0.5, true, true, false);
    test_dense(2500, 20, 10, 0.5, true, false, true);   // split-K dW with the mask in the sum kernel
    test_dense(1300, 37, 1420, 0.4, true, true, true);  // large tile forward
    fprintf(stderr, "dense done: %d checks %d fails\n", checks, fails);
  }
  if (want("elem")) {
    for (int64_t n : {0, 1, 1001, 70001}) test_elementwise(n);
    fprintf(stderr, "elementwise done: %d checks %d fails\n", checks, fails);
  }
  if (want("loss")) {
    test_softmax(60, 10, 0);
    test_softmax(64, 10, 1);
    test_softmax(33, 100, 1);
    test_softmax(3, 1000, 0);
    test_softmax(5, 7, 2);
    test_softmax(5, 100, 2);
    test_softmax(1, 1, 0);
    test_softmax(0, 10, 0);
    test_softmax(300, 3, 1);
    test_bce(1001);
    test_bce(1);
    test_bce(0);
    test_bad_labels();
    fprintf(stderr, "loss done: %d checks %d fails\n", checks, fails);
  }
  if (want("optim")) {
    test_optim(4097, 0.5, true);
    test_optim(777, 1.0, true);
    test_optim(513, 0.0, true);
    test_optim(1001, 0.5, false);
    test_optim(0, 0.5, true);
    fprintf(stderr, "optim done: %d checks %d fails\n", checks, fails);
  }
  const std::pair<const char*, void (*)()> suites[] = {{"conv", suite_conv}, {"pool", suite_pool}, {"bn", suite_bn},
                                                       {"gather", suite_gather}, {"csr", suite_csr},
                                                       {"mask", suite_mask}, {"prune", suite_prune}};
  for (const auto& [name, run] : suites)
    if (want(name)) {
      run();
      fprintf(stderr, "%s done: %d checks %d fails\n", name, checks, fails);
    }
  printf("%d checks, %d failures, %d scratch buffers leaked, %d emulated-library preconditions broken\n", checks,
         fails, g_live_allocs, g_emu_violations);
  return fails || g_live_allocs || g_emu_violations ? 1 : 0;
}
