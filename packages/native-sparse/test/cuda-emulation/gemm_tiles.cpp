// The tiled GEMM kernel (src/cuda/gemm_kernel.cuh) run in the host emulation (cuda_runtime.h here) on every
// path the ops cannot pick on their own: both tile shapes × four transposes, masks on either operand (pruned
// entries hold NaN, so reading one shows), scalar loads (misaligned pointers, vec off), forced split-K, the
// full epilogue (beta over NaN C, bias, ReLU, C mask), ragged edges; NaN guards around every buffer catch an
// out-of-range read, and a guard after C an out-of-range write. Compared with a double loop.
#include <cstdio>
#include <random>
#include <vector>

#include "cuda_runtime.h"  // the emulation (this directory)
#include "gemm_kernel.cuh"
using namespace lth::cuda::tiled;

template <int BM, int BN, int BK, bool TA, bool TB>
void run(const Problem& p, int64_t slices_req) {
  const int64_t tiles = ((p.M + BM - 1) / BM) * ((p.N + BN - 1) / BN);
  int64_t kps = (p.K + slices_req - 1) / slices_req;
  kps = std::max<int64_t>((kps + BK - 1) / BK * BK, BK);
  int64_t slices = std::max<int64_t>((p.K + kps - 1) / kps, 1);
  std::vector<float> part(slices > 1 ? slices * p.M * p.N : 0, 12345.0f);
  float* partial = slices > 1 ? part.data() : nullptr;
  emu_launch(dim3((unsigned)tiles, 1, (unsigned)slices), dim3(kThreads), [&] {
    gemm_tile_kernel<BM, BN, BK, TA, TB>(p.M, p.N, p.K, p.a, p.b, p.e, kps, partial);
  });
  if (slices > 1) emu_launch(dim3(3), dim3(7), [&] { gemm_splitk_sum_kernel(p.M, p.N, slices, partial, p.e); });
}

template <int BM, int BN, int BK>
void dispatch(const Problem& p, int64_t s) {
  if (!p.ta && !p.tb) run<BM, BN, BK, false, false>(p, s);
  else if (!p.ta && p.tb) run<BM, BN, BK, false, true>(p, s);
  else if (p.ta && !p.tb) run<BM, BN, BK, true, false>(p, s);
  else run<BM, BN, BK, true, true>(p, s);
}

int failures = 0, checks = 0;
std::mt19937 rng(42);
float rnd() { return std::normal_distribution<float>(0, 1)(rng); }

// one configuration: returns max error
void test(int config, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, float beta, bool nanC,
          bool maskA, bool maskB, bool bias, bool relu, bool cmask, bool novec, int misalign, int64_t slices) {
  // storage: A [M,K] or [K,M], B [K,N] or [N,K]; add misalign floats of offset to pointers
  const int64_t lda = ta ? M : K, ldb = tb ? K : N;
  std::vector<float> Abuf(M * K + 8), Bbuf(K * N + 8), Cbuf(M * N + 8), biasv(N);
  std::vector<uint8_t> mA(M * K + 8), mB(K * N + 8), mC(M * N + 8);
  for (auto& v : Abuf) v = rnd();
  for (auto& v : Bbuf) v = rnd();
  for (auto& v : Cbuf) v = nanC ? NAN : rnd();
  for (auto& v : biasv) v = rnd();
  for (auto& v : mA) v = rng() % 3 ? 1 + rng() % 200 : 0;
  for (auto& v : mB) v = rng() % 3 ? 1 : 0;
  for (auto& v : mC) v = rng() % 3 ? 7 : 0;
  // make a fully pruned row of op(B)ᵀ (a whole output column) and of A
  if (maskB && N > 0) for (int64_t k = 0; k < K; ++k) mB[misalign + (tb ? 0 * K + k : k * N + 0)] = 0;
  if (maskA && M > 0) for (int64_t k = 0; k < K; ++k) mA[misalign + (ta ? k * M + 0 : 0 * K + k)] = 0;
  // poison pruned entries with NaN: a masked load must never read them into the sum
  if (maskA) for (size_t i = 0; i < Abuf.size(); ++i) if (!mA[i]) Abuf[i] = NAN;
  if (maskB) for (size_t i = 0; i < Bbuf.size(); ++i) if (!mB[i]) Bbuf[i] = NAN;
  // poison the 8 guard floats after the data: reading out of range shows up as NaN
  for (int g = 0; g < 8 - misalign; ++g) { Abuf[misalign + M * K + g] = NAN; Bbuf[misalign + K * N + g] = NAN; }
  for (int g = 0; g < misalign; ++g) { Abuf[g] = NAN; Bbuf[g] = NAN; }
  std::vector<float> C0(Cbuf);
  const float* A = Abuf.data() + misalign;
  const float* B = Bbuf.data() + misalign;
  float* C = Cbuf.data() + misalign;
  Problem p{};
  p.ta = ta; p.tb = tb; p.M = M; p.N = N; p.K = K;
  p.a = operand(A, maskA ? mA.data() + misalign : nullptr, lda);
  p.b = operand(B, maskB ? mB.data() + misalign : nullptr, ldb);
  p.e = epilogue(alpha, beta, C, N);
  if (bias) p.e.bias = biasv.data();
  p.e.relu = relu;
  if (cmask) { p.e.cmask = mC.data() + misalign; p.e.ldm = N; }
  if (novec) { p.a.vec = p.b.vec = p.e.vec = false; }
  if (misalign == 0 && !novec && (lda % 4 == 0) != p.a.vec) { printf("vec flag A wrong\n"); failures++; }
  if (M > 0 && N > 0) {
    if (config == 128) dispatch<128, 128, 8>(p, slices);
    else dispatch<64, 64, 16>(p, slices);
  }
  // reference
  double maxerr = 0;
  bool bad = false;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0, mag = 0;
      for (int64_t k = 0; k < K; ++k) {
        int64_t ia = misalign + (ta ? k * M + i : i * K + k), ib = misalign + (tb ? j * K + k : k * N + j);
        float a = (maskA && !mA[ia]) ? 0.f : Abuf[ia];
        float b = (maskB && !mB[ib]) ? 0.f : Bbuf[ib];
        acc += (double)a * b; mag += std::fabs((double)a * b);
      }
      double v = alpha * acc;
      if (beta != 0) v += beta * (double)C0[misalign + i * N + j];
      if (bias) v += biasv[j];
      if (relu) v = v < 0 ? 0 : v;
      if (cmask && !mC[misalign + i * N + j]) v = 0;
      float got = C[i * N + j];
      double tol = 1e-5 * (std::fabs(alpha) * mag + 1 + std::fabs(beta) * 3 + 3) * (K + 2);
      double err = std::fabs(got - v);
      if (!(err <= tol) || (cmask && !mC[misalign + i * N + j] && got != 0.0f)) {
        if (!bad) printf("  mismatch at (%ld,%ld): got %g want %g\n", (long)i, (long)j, got, v);
        bad = true;
      }
      maxerr = std::max(maxerr, err);
    }
  // guard after C untouched
  for (int g = 0; g < 8 - misalign; ++g)
    if (!(Cbuf[misalign + M * N + g] == C0[misalign + M * N + g]) && !(std::isnan(C0[misalign + M * N + g]) && std::isnan(Cbuf[misalign + M * N + g]))) {
      printf("  wrote past C end\n"); bad = true;
    }
  ++checks;
  if (bad) {
    ++failures;
    printf("FAIL cfg %d %c%c M %ld N %ld K %ld alpha %g beta %g nanC %d mA %d mB %d bias %d relu %d cmask %d novec %d mis %d slices %ld\n",
           config, ta ? 'T' : 'N', tb ? 'T' : 'N', (long)M, (long)N, (long)K, alpha, beta, nanC, maskA, maskB, bias, relu,
           cmask, novec, misalign, (long)slices);
  }
}

int main() {
  struct S { int64_t M, N, K; };
  std::vector<S> shapes = {{1, 1, 1}, {65, 47, 33}, {37, 29, 53}, {64, 64, 16}, {129, 130, 17}, {5, 3, 0}, {8, 132, 40}, {131, 4, 9}, {3, 257, 7}};
  for (int cfg : {64, 128})
    for (int t = 0; t < 4; ++t) {
      bool ta = t & 1, tb = t & 2;
      for (auto s : shapes) {
        test(cfg, ta, tb, s.M, s.N, s.K, 1.0f, 0.0f, true, false, false, false, false, false, false, 0, 1);
        test(cfg, ta, tb, s.M, s.N, s.K, -1.5f, 0.75f, false, true, true, true, true, true, false, 0, 1);
        test(cfg, ta, tb, s.M, s.N, s.K, 0.5f, 1.0f, false, false, true, false, false, false, true, 0, 1);
        test(cfg, ta, tb, s.M, s.N, s.K, 1.0f, 0.0f, false, true, false, true, false, true, false, 1, 3);
        test(cfg, ta, tb, s.M, s.N, s.K, 2.0f, -0.5f, false, false, true, false, true, false, false, 0, 2);
      }
      fprintf(stderr, "cfg %d t %d done (%d checks, %d failures)\n", cfg, t, checks, failures);
    }
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
