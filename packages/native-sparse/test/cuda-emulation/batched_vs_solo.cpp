// The CUDA ops over a leading trial axis (src/cuda/masked_dense_batched.cu, loss_batched.cu and the batched launch
// of the tiled GEMM, run in the emulation of cuda_runtime.h): trial t bit-identical to the unbatched CUDA op on
// its slices (what batched lottery trials rely on), within fp32 tolerance of lth::cpu::ref's batched definition,
// pruned dW exactly 0, null outputs skipped, a bad label reported for the lowest (trial, row) with nothing
// written, no scratch leaked. Usage: batched_vs_solo
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"
using namespace lth;

static int fails = 0, checks = 0;
static std::mt19937 rng(11);
static float rn() { return std::normal_distribution<float>(0, 1)(rng); }
static std::vector<float> randv(size_t n, float s = 1) {
  std::vector<float> v(n);
  for (auto& x : v) x = rn() * s;
  return v;
}
static std::vector<uint8_t> randm(size_t n, double d) {
  std::vector<uint8_t> v(n);
  for (auto& x : v) x = std::uniform_real_distribution<double>(0, 1)(rng) < d ? 1 + rng() % 255 : 0;
  return v;
}
static void report(const std::string& what) {
  printf("FAIL %s\n", what.c_str());
  ++fails;
}
// |got - want| <= tol · max(max|want|, 1)
static void close(const std::string& what, const float* got, const float* want, size_t n, double tol) {
  ++checks;
  double scale = 1.0;
  for (size_t i = 0; i < n; ++i) scale = std::max(scale, (double)std::fabs(want[i]));
  for (size_t i = 0; i < n; ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * scale)) {
      printf("FAIL %s at %zu: got %.9g want %.9g\n", what.c_str(), i, got[i], want[i]);
      ++fails;
      return;
    }
}
static void same(const std::string& what, const void* got, const void* want, size_t bytes) {
  ++checks;
  if (std::memcmp(got, want, bytes) != 0) report(what + ": not bit-identical");
}

static void test_dense(int64_t T, int64_t B, int64_t In, int64_t Out, bool shared, double density, bool relu) {
  const int64_t xs = shared ? 0 : B * In;
  auto x = randv((shared ? 1 : T) * B * In), W = randv(T * Out * In, 0.3f), bias = randv(T * Out), dy = randv(T * B * Out);
  auto mask = randm(T * Out * In, density);
  for (size_t i = 0; i < W.size(); ++i)
    if (!mask[i]) W[i] = NAN;  // pruned weights must never reach a sum
  char buf[128];
  snprintf(buf, sizeof buf, "T %ld B %ld %ld->%ld%s d %.2f", (long)T, (long)B, (long)In, (long)Out, shared ? " x shared" : "", density);
  const std::string name = buf;

  std::vector<float> y(T * B * Out, 7), yref(T * B * Out, 7);
  cuda::masked_dense_forward_batched(T, B, In, Out, x.data(), xs, W.data(), mask.data(), bias.data(), relu, y.data());
  cpu::ref::masked_dense_forward_batched(T, B, In, Out, x.data(), xs, W.data(), mask.data(), bias.data(), relu, yref.data());
  close(name + " y vs ref", y.data(), yref.data(), y.size(), 2e-7 * (In + 4) * 4);

  std::vector<float> dx(T * B * In, 5), dW(T * Out * In, 5), db(T * Out, 5);
  cuda::masked_dense_backward_batched(T, B, In, Out, x.data(), xs, W.data(), mask.data(), dy.data(), dx.data(), dW.data(), db.data());
  std::vector<float> dxr(T * B * In, 5), dWr(T * Out * In, 5), dbr(T * Out, 5);
  cpu::ref::masked_dense_backward_batched(T, B, In, Out, x.data(), xs, W.data(), mask.data(), dy.data(), dxr.data(), dWr.data(), dbr.data());
  close(name + " dx vs ref", dx.data(), dxr.data(), dx.size(), 2e-7 * (Out + 4) * 4);
  close(name + " dW vs ref", dW.data(), dWr.data(), dW.size(), 2e-7 * (B + 4) * 4);
  close(name + " db vs ref", db.data(), dbr.data(), db.size(), 1e-6);
  ++checks;
  for (size_t i = 0; i < dW.size(); ++i)
    if (!mask[i] && !(dW[i] == 0.0f && !std::signbit(dW[i]))) {
      report(name + " dW at a pruned position is not +0");
      break;
    }
  std::vector<float> dW_alone(T * Out * In, 5);
  cuda::masked_dense_backward_batched(T, B, In, Out, x.data(), xs, W.data(), mask.data(), dy.data(), nullptr, dW_alone.data(), nullptr);
  same(name + " dW alone", dW_alone.data(), dW.data(), dW.size() * sizeof(float));

  for (int64_t t = 0; t < T; ++t) {
    const float* xt = x.data() + t * xs;
    const float* Wt = W.data() + t * Out * In;
    const uint8_t* mt = mask.data() + t * Out * In;
    std::vector<float> ys(B * Out, 7), dxs(B * In, 5), dWs(Out * In, 5), dbs(Out, 5);
    cuda::masked_dense_forward(B, In, Out, xt, Wt, mt, bias.data() + t * Out, relu, ys.data());
    cuda::masked_dense_backward(B, In, Out, xt, Wt, mt, dy.data() + t * B * Out, dxs.data(), dWs.data(), dbs.data());
    const std::string tn = name + " trial " + std::to_string(t);
    same(tn + " y vs solo", y.data() + t * B * Out, ys.data(), ys.size() * sizeof(float));
    same(tn + " dx vs solo", dx.data() + t * B * In, dxs.data(), dxs.size() * sizeof(float));
    same(tn + " dW vs solo", dW.data() + t * Out * In, dWs.data(), dWs.size() * sizeof(float));
    same(tn + " db vs solo", db.data() + t * Out, dbs.data(), dbs.size() * sizeof(float));
  }
}

static void test_softmax(int64_t T, int64_t B, int64_t C, bool shared) {
  const int64_t ls = shared ? 0 : B;
  auto L = randv(T * B * C, 3);
  std::vector<int32_t> y((shared ? 1 : T) * B);
  for (auto& v : y) v = rng() % C;
  char buf[96];
  snprintf(buf, sizeof buf, "softmax T %ld [%ld,%ld]%s", (long)T, (long)B, (long)C, shared ? " labels shared" : "");
  const std::string name = buf;
  std::vector<float> d(T * B * C, 3), dref(T * B * C, 3);
  std::vector<CeResult> r(T), rref(T);
  cuda::softmax_cross_entropy_batched(T, B, C, L.data(), y.data(), ls, d.data(), r.data());
  cpu::ref::softmax_cross_entropy_batched(T, B, C, L.data(), y.data(), ls, dref.data(), rref.data());
  close(name + " dlogits vs ref", d.data(), dref.data(), d.size(), 1e-6);
  for (int64_t t = 0; t < T; ++t) {
    ++checks;
    if (r[t].correct != rref[t].correct || std::fabs(r[t].loss - rref[t].loss) > 1e-12 * std::max(1.0, std::fabs(rref[t].loss)))
      report(name + " trial " + std::to_string(t) + " loss/correct vs ref");
    std::vector<float> ds(B * C, 3);
    CeResult rs = cuda::softmax_cross_entropy(B, C, L.data() + t * B * C, y.data() + t * ls, ds.data());
    ++checks;
    if (rs.correct != r[t].correct || std::memcmp(&rs.loss, &r[t].loss, sizeof(double)) != 0)
      report(name + " trial " + std::to_string(t) + " loss/correct vs solo");
    same(name + " trial " + std::to_string(t) + " dlogits vs solo", d.data() + t * B * C, ds.data(), ds.size() * sizeof(float));
  }
}

static void test_bad_label() {
  const int64_t T = 3, B = 4, C = 5;
  auto L = randv(T * B * C);
  std::vector<int32_t> y(T * B, 1);
  y[2 * B + 3] = C;
  y[2 * B + 1] = -1;  // the lowest bad (trial, row) is reported: trial 2, row 1
  std::vector<float> d(T * B * C, 9);
  std::vector<CeResult> r(T);
  ++checks;
  try {
    cuda::softmax_cross_entropy_batched(T, B, C, L.data(), y.data(), B, d.data(), r.data());
    report("bad label: no error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (std::string(e.code()) != code::kArg || msg.find("label -1 of trial 2 at row 1") == std::string::npos) report("bad label: " + msg);
  }
  ++checks;
  for (float v : d)
    if (v != 9) {
      report("bad label: dlogits written");
      break;
    }
}

int main() {
  test_dense(3, 13, 29, 17, false, 0.5, true);  // strides not multiples of 4: scalar loads for later trials
  test_dense(2, 16, 32, 8, false, 0.6, false);  // vector loads
  test_dense(3, 9, 20, 12, true, 0.4, true);   // x shared by every trial (evaluation)
  test_dense(1, 5, 7, 3, false, 0.7, true);
  test_dense(2, 0, 6, 4, false, 0.5, false);   // empty batch: dW = 0, db = 0
  test_dense(2, 2100, 12, 6, false, 0.5, false);  // dW's reduction over 2100 rows is split (split-K per trial)
  test_dense(2, 70, 130, 140, false, 0.3, true);  // several 64×64 tiles per trial
  test_softmax(3, 7, 33, false);
  test_softmax(4, 9, 10, true);
  test_softmax(2, 300, 10, false);  // more rows than a block's threads
  test_bad_label();
  printf("batched: %d checks, %d failures, %d scratch buffers leaked\n", checks, fails, g_live_allocs);
  return fails || g_live_allocs ? 1 : 0;
}
