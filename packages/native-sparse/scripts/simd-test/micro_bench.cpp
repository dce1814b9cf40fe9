// Micro-benchmark of the CPU kernels on the SIMD path in use (env LTH_SIMD): the fastest of many runs of each
// case, in µs and GFLOP/s, one thread and all threads. For tuning a path on a shared, loaded machine, where the
// minimum is a steadier figure than the median; the comparisons with onnxruntime are in bench/ (node).
//   micro_bench [reps]     (micro_bench --list: the paths this CPU has)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cpu/simd.h"
#include "kernels.h"
#include "parallel.h"

namespace {
using namespace lth;

std::vector<float> filled(int64_t n, float v0) {
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = v0 + static_cast<float>((i * 2654435761u) % 1000) * 1e-3f - 0.5f;
  return v;
}

template <typename F>
double best_us(int reps, F&& f) {
  f();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void row(const char* what, const std::string& shape, double flops, double us) {
  std::printf("| %s | %s | %d | %.1f | %.1f |\n", what, shape.c_str(), num_threads(), us, flops / us * 1e-3);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--list") {
    for (cpu::SimdPath p : cpu::simd_available()) std::printf("%s\n", cpu::simd_path_name(p));
    return 0;
  }
  const int reps = argc > 1 ? std::atoi(argv[1]) : 200;
  std::printf("path %s\n| op | shape | threads | best µs | GFLOP/s |\n|---|---|---:|---:|---:|\n",
              cpu::simd_path_name(cpu::simd_path()));
  const int64_t dense[][3] = {{60, 784, 300}, {60, 300, 100}, {512, 784, 300}, {60, 8192, 256}, {60, 256, 256}};
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (const auto& s : dense) {
      const int64_t B = s[0], In = s[1], Out = s[2];
      auto x = filled(B * In, 0.1f), W = filled(Out * In, 0.2f), bias = filled(Out, 0.f), dy = filled(B * Out, 0.3f);
      std::vector<uint8_t> m(static_cast<size_t>(Out * In));
      for (size_t i = 0; i < m.size(); ++i) m[i] = (i * 2654435761u >> 7) & 1;
      std::vector<float> y(static_cast<size_t>(B * Out)), dx(static_cast<size_t>(B * In)), dW(static_cast<size_t>(Out * In));
      const std::string shape = "B" + std::to_string(B) + " " + std::to_string(In) + "->" + std::to_string(Out);
      const double f = 2.0 * B * In * Out;
      row("dense fwd", shape, f, best_us(reps, [&] {
            cpu::masked_dense_forward(B, In, Out, x.data(), W.data(), m.data(), bias.data(), true, y.data());
          }));
      row("dense dx", shape, f, best_us(reps, [&] {
            cpu::masked_dense_backward(B, In, Out, x.data(), W.data(), m.data(), dy.data(), dx.data(), nullptr, nullptr);
          }));
      row("dense dW", shape, f, best_us(reps, [&] {
            cpu::masked_dense_backward(B, In, Out, x.data(), W.data(), m.data(), dy.data(), nullptr, dW.data(), nullptr);
          }));
    }
    {  // CSR 784->300 at 10%, B512 (feature-major: C[300,512] = A[300,784] · X[784,512])
      const int64_t rows = 300, cols = 784, N = 512;
      std::vector<int32_t> rp{0}, ci;
      std::vector<float> vals;
      for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < cols; ++j)
          if (((i * cols + j) * 2654435761u >> 9) % 10 == 0) {
            ci.push_back(static_cast<int32_t>(j));
            vals.push_back(0.01f * static_cast<float>(j % 7));
          }
        rp.push_back(static_cast<int32_t>(vals.size()));
      }
      CsrView A{rows, cols, static_cast<int64_t>(vals.size()), rp.data(), ci.data(), vals.data()};
      auto X = filled(cols * N, 0.1f), bias = filled(rows, 0.f);
      std::vector<float> C(static_cast<size_t>(rows * N));
      row("csr spmm 10%", "784->300 B512 nnz " + std::to_string(vals.size()), 2.0 * rows * cols * N,
          best_us(reps, [&] { cpu::csr_spmm(A, N, X.data(), bias.data(), true, C.data()); }));
    }
    const int64_t convs[][7] = {{60, 64, 32, 32, 64, 1, 1}, {128, 16, 32, 32, 16, 1, 1}, {60, 128, 16, 16, 128, 1, 1}};
    for (const auto& c : convs) {
      Conv2dGeom g{c[0], c[1], c[2], c[3], c[4], 3, 3, c[5], c[5], c[6], c[6], 0, 0};
      g.P = (g.H + 2 * g.pad_h - g.R) / g.stride_h + 1;
      g.Q = (g.W + 2 * g.pad_w - g.S) / g.stride_w + 1;
      auto x = filled(g.N * g.C * g.H * g.W, 0.1f), w = filled(g.K * g.C * 9, 0.2f), b = filled(g.K, 0.f);
      std::vector<float> y(static_cast<size_t>(g.N * g.K * g.P * g.Q));
      row("conv fwd", "N" + std::to_string(g.N) + " " + std::to_string(g.C) + "->" + std::to_string(g.K) + " " +
                          std::to_string(g.H) + "²",
          2.0 * g.N * g.K * g.C * 9 * g.P * g.Q,
          best_us(std::max(3, reps / 20), [&] { cpu::conv2d_forward(g, x.data(), w.data(), nullptr, b.data(), y.data()); }));
    }
  }
  return 0;
}
