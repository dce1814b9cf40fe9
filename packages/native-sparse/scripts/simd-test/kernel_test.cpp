// C++-level check of the CPU kernels on the SIMD path this process runs (env LTH_SIMD, see src/cpu/simd.h)
// against the plain reference loops (lth::cpu::ref): GEMM in every transpose combination with odd sizes and
// alpha/beta, the masked dense layer forward (mask, bias, ReLU) and backward (dx, dW exactly 0 where pruned,
// db), CSR SpMM with empty rows, odd widths, bias and ReLU (and SpMV), the sparse fully connected layer (forward,
// dx, SDDMM dW, db), and conv2d forward/backward (the im2col GEMM path). No Node needed, so it also runs cross-compiled under qemu-user (run.sh).
//   kernel_test            run every check on the path in use; exit 1 on a mismatch or when the path in use
//                          differs from LTH_SIMD's request
//   kernel_test --list     print the paths this CPU has, one per line
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cpu/simd.h"
#include "kernels.h"
#include "parallel.h"

namespace {

using namespace lth;

int failures = 0, checks = 0;

// Deterministic inputs: splitmix64 → uniform [-1, 1).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  float uniform() { return static_cast<float>(next() >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f; }
  std::vector<float> vec(int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = uniform();
    return v;
  }
  std::vector<uint8_t> mask(int64_t n, double density) {
    std::vector<uint8_t> m(static_cast<size_t>(n));
    for (auto& x : m) x = (next() >> 11) * 0x1.0p-53 < density ? 1 : 0;
    return m;
  }
};

// got vs want: |got − want| ≤ tol·(max|want| + 1) everywhere (NaN fails); `exact_zero` positions must be +0/−0.
void expect_close(const std::string& what, const std::vector<float>& got, const std::vector<float>& want, double tol,
                  const std::vector<uint8_t>* exact_zero_where_0 = nullptr) {
  ++checks;
  double scale = 0;
  for (float w : want) scale = std::max(scale, std::fabs(static_cast<double>(w)));
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i]);
    const bool zero_bad = exact_zero_where_0 && !(*exact_zero_where_0)[i] && got[i] != 0.0f;
    if (!(d <= tol * (scale + 1.0)) || zero_bad) {
      std::printf("FAIL %s: at %zu got %.9g want %.9g (scale %.3g)\n", what.c_str(), i, got[i], want[i], scale);
      ++failures;
      return;
    }
  }
}

double tol_for(int64_t K) { return 2e-6 * std::sqrt(static_cast<double>(K) + 1.0) + 1e-6; }

void test_gemm() {
  const int64_t shapes[][3] = {{1, 1, 1},   {5, 7, 3},     {6, 16, 9},   {13, 33, 17}, {12, 32, 401},
                               {37, 300, 29}, {60, 100, 300}, {7, 129, 801}, {64, 10, 100}, {25, 24, 12}};
  for (const auto& s : shapes) {
    const int64_t M = s[0], N = s[1], K = s[2];
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (int ab = 0; ab < 2; ++ab) {
          Rng rng(static_cast<uint64_t>(M * 1000003 + N * 1009 + K * 7 + ta * 2 + tb + ab * 4));
          auto A = rng.vec(M * K), B = rng.vec(K * N), C0 = rng.vec(M * N);
          const float alpha = ab ? -0.75f : 1.0f, beta = ab ? 0.5f : 0.0f;
          if (beta == 0.0f) C0.assign(C0.size(), std::nanf(""));  // beta 0 must ignore the old C, even NaN
          auto got = C0, want = C0;
          cpu::gemm(ta ? Trans::T : Trans::N, tb ? Trans::T : Trans::N, M, N, K, alpha, A.data(), B.data(), beta,
                    got.data());
          cpu::ref::gemm(ta ? Trans::T : Trans::N, tb ? Trans::T : Trans::N, M, N, K, alpha, A.data(), B.data(), beta,
                         want.data());
          expect_close("gemm " + std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K) +
                           (ta ? " T" : " N") + (tb ? "T" : "N") + (ab ? " alpha/beta" : ""),
                       got, want, tol_for(K));
        }
  }
}

void test_masked_dense() {
  const int64_t shapes[][3] = {{1, 3, 1}, {7, 17, 5}, {60, 784, 300}, {13, 300, 100}, {60, 100, 10}, {9, 33, 40}};
  for (const auto& s : shapes) {
    const int64_t B = s[0], In = s[1], Out = s[2];
    for (int variant = 0; variant < 3; ++variant) {  // 0: mask+bias+relu, 1: mask only, 2: no mask, bias
      Rng rng(static_cast<uint64_t>(B * 31 + In * 7 + Out + variant * 100003));
      auto x = rng.vec(B * In), W = rng.vec(Out * In), bias = rng.vec(Out), dy = rng.vec(B * Out);
      auto mask = rng.mask(Out * In, 0.4);
      const uint8_t* m = variant == 2 ? nullptr : mask.data();
      const float* b = variant == 1 ? nullptr : bias.data();
      const bool relu = variant == 0;
      const std::string name = std::to_string(B) + "x" + std::to_string(In) + "->" + std::to_string(Out) +
                               (m ? " mask" : "") + (b ? " bias" : "") + (relu ? " relu" : "");
      std::vector<float> y(static_cast<size_t>(B * Out), std::nanf("")), y_ref(y.size());
      cpu::masked_dense_forward(B, In, Out, x.data(), W.data(), m, b, relu, y.data());
      cpu::ref::masked_dense_forward(B, In, Out, x.data(), W.data(), m, b, relu, y_ref.data());
      expect_close("masked dense forward " + name, y, y_ref, tol_for(In));

      std::vector<float> dx(static_cast<size_t>(B * In), std::nanf("")), dW(static_cast<size_t>(Out * In), std::nanf(""));
      std::vector<float> db(static_cast<size_t>(Out), std::nanf(""));
      std::vector<float> dx_ref(dx.size()), dW_ref(dW.size()), db_ref(db.size());
      cpu::masked_dense_backward(B, In, Out, x.data(), W.data(), m, dy.data(), dx.data(), dW.data(), db.data());
      cpu::ref::masked_dense_backward(B, In, Out, x.data(), W.data(), m, dy.data(), dx_ref.data(), dW_ref.data(),
                                      db_ref.data());
      expect_close("masked dense dx " + name, dx, dx_ref, tol_for(Out));
      expect_close("masked dense dW " + name, dW, dW_ref, tol_for(B), m ? &mask : nullptr);
      expect_close("masked dense db " + name, db, db_ref, tol_for(B));
    }
  }
}

// CSR [rows, cols] from a dense row-major matrix at `density`, every third row empty when asked.
struct Csr {
  std::vector<int32_t> rowptr, colidx;
  std::vector<float> values;
  CsrView view(int64_t rows, int64_t cols) const {
    return {rows, cols, static_cast<int64_t>(values.size()), rowptr.data(), colidx.data(), values.data()};
  }
};
Csr random_csr(Rng& rng, int64_t rows, int64_t cols, double density, bool empty_rows) {
  Csr a;
  a.rowptr.push_back(0);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      const bool keep = (rng.next() >> 11) * 0x1.0p-53 < density && !(empty_rows && i % 3 == 1);
      const float v = rng.uniform();
      if (keep) {
        a.colidx.push_back(static_cast<int32_t>(j));
        a.values.push_back(v);
      }
    }
    a.rowptr.push_back(static_cast<int32_t>(a.values.size()));
  }
  return a;
}

void test_csr_spmm() {
  struct Case {
    int64_t rows, cols;
    double density;
    bool empty_rows;
  };
  const Case cases[] = {{1, 1, 1.0, false},   {5, 3, 0.5, true},     {37, 29, 0.1, false},
                        {100, 300, 0.5, true}, {300, 784, 0.1, false}, {64, 33, 0.0, false}};
  const int64_t widths[] = {1, 2, 7, 8, 9, 17, 31, 60, 96, 97, 129, 300, 512};
  for (const Case& c : cases) {
    Rng rng(static_cast<uint64_t>(c.rows * 7919 + c.cols));
    Csr a = random_csr(rng, c.rows, c.cols, c.density, c.empty_rows);
    const CsrView A = a.view(c.rows, c.cols);
    for (int64_t N : widths) {
      if (c.rows * c.cols > 100000 && N > 60 && N != 512) continue;  // keep the big case cheap under emulation
      for (int variant = 0; variant < 2; ++variant) {
        auto B = rng.vec(c.cols * N), bias = rng.vec(c.rows);
        const float* b = variant ? bias.data() : nullptr;
        const bool relu = variant == 1;
        std::vector<float> C(static_cast<size_t>(c.rows * N), std::nanf("")), C_ref(C.size());
        cpu::csr_spmm(A, N, B.data(), b, relu, C.data());
        cpu::ref::csr_spmm(A, N, B.data(), b, relu, C_ref.data());
        expect_close("csr spmm " + std::to_string(c.rows) + "x" + std::to_string(c.cols) + " d" +
                         std::to_string(c.density) + (c.empty_rows ? " empty rows" : "") + " N " + std::to_string(N) +
                         (relu ? " bias relu" : ""),
                     C, C_ref, tol_for(c.cols));
      }
    }
  }
}

// The sparse fully connected layer (padded transposes, CSR SpMM, SDDMM) against its reference loops, with empty
// rows and columns and batches on and off the vector width.
void test_sparse_dense() {
  struct Case {
    int64_t B, In, Out;
    double density;
  };
  const Case cases[] = {{1, 1, 1, 1.0}, {13, 29, 17, 0.5}, {60, 784, 300, 0.2}, {37, 129, 65, 0.05},
                        {60, 100, 10, 1.0}, {7, 9, 5, 0.0}, {150, 20, 33, 0.3}, {0, 8, 4, 0.5}};
  for (const Case& c : cases) {
    Rng rng(static_cast<uint64_t>(c.B * 131 + c.In * 7 + c.Out));
    auto mask = rng.mask(c.Out * c.In, c.density);
    for (int64_t o = 0; o < c.Out; o += 3)
      for (int64_t i = 0; i < c.In; ++i) mask[o * c.In + i] = 0;  // empty rows
    for (int64_t o = 0; o < c.Out && c.In > 0; ++o) mask[o * c.In] = 0;  // an empty column
    const int64_t nnz = cpu::ref::count_nonzero(c.Out * c.In, mask.data());
    std::vector<int32_t> rowptr(c.Out + 1), colidx(nnz), colptr(c.In + 1), rowidx(nnz), positions(nnz);
    cpu::sparse_dense_structure(c.Out, c.In, mask.data(), rowptr.data(), colidx.data(), colptr.data(), rowidx.data(),
                                positions.data());
    const SparseStructureView sv{c.Out, c.In, nnz, rowptr.data(), colidx.data(), colptr.data(), rowidx.data(),
                                 positions.data()};
    auto x = rng.vec(c.B * c.In), W = rng.vec(c.Out * c.In), dy = rng.vec(c.B * c.Out), bias = rng.vec(c.Out);
    const std::string name = "sparse dense B" + std::to_string(c.B) + " " + std::to_string(c.In) + "->" +
                             std::to_string(c.Out) + " d" + std::to_string(c.density);
    std::vector<float> y(c.B * c.Out, std::nanf("")), y_ref(y.size());
    cpu::sparse_dense_forward(c.B, sv, x.data(), W.data(), bias.data(), true, y.data());
    cpu::ref::sparse_dense_forward(c.B, sv, x.data(), W.data(), bias.data(), true, y_ref.data());
    expect_close(name + " y", y, y_ref, tol_for(c.In));
    std::vector<float> dx(c.B * c.In, std::nanf("")), dx_ref(dx.size()), db(c.Out, std::nanf("")), db_ref(c.Out);
    std::vector<float> dW(c.Out * c.In, 0.0f), dW_ref(dW.size(), 0.0f);
    cpu::sparse_dense_backward(c.B, sv, x.data(), W.data(), dy.data(), dx.data(), dW.data(), db.data());
    cpu::ref::sparse_dense_backward(c.B, sv, x.data(), W.data(), dy.data(), dx_ref.data(), dW_ref.data(),
                                    db_ref.data());
    expect_close(name + " dx", dx, dx_ref, tol_for(c.Out));
    expect_close(name + " dW", dW, dW_ref, tol_for(c.B), &mask);
    expect_close(name + " db", db, db_ref, tol_for(c.B));
  }
}

void test_conv() {
  // {N, C, H, W, K, R, S, stride, pad}
  const int64_t cases[][9] = {{2, 3, 9, 11, 5, 3, 3, 1, 1}, {3, 8, 8, 8, 16, 3, 3, 2, 1}, {2, 16, 6, 6, 12, 1, 1, 1, 0},
                              {1, 4, 7, 5, 6, 5, 3, 1, 2}};
  for (const auto& k : cases) {
    Conv2dGeom g{k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[7], k[8], k[8], 0, 0};
    g.P = (g.H + 2 * g.pad_h - g.R) / g.stride_h + 1;
    g.Q = (g.W + 2 * g.pad_w - g.S) / g.stride_w + 1;
    Rng rng(static_cast<uint64_t>(g.N * 13 + g.C * 7 + g.K));
    auto x = rng.vec(g.N * g.C * g.H * g.W), w = rng.vec(g.K * g.C * g.R * g.S), bias = rng.vec(g.K);
    auto dy = rng.vec(g.N * g.K * g.P * g.Q);
    auto mask = rng.mask(g.K * g.C * g.R * g.S, 0.7);
    const std::string name = "conv " + std::to_string(g.C) + "->" + std::to_string(g.K) + " " + std::to_string(g.R) +
                             "x" + std::to_string(g.S) + " s" + std::to_string(g.stride_h);
    std::vector<float> y(dy.size()), y_ref(dy.size()), dx(x.size()), dx_ref(x.size()), dw(w.size()), dw_ref(w.size());
    std::vector<float> db(bias.size()), db_ref(bias.size());
    cpu::conv2d_forward(g, x.data(), w.data(), mask.data(), bias.data(), y.data());
    cpu::ref::conv2d_forward(g, x.data(), w.data(), mask.data(), bias.data(), y_ref.data());
    expect_close(name + " forward", y, y_ref, tol_for(g.C * g.R * g.S));
    cpu::conv2d_backward_data(g, dy.data(), w.data(), mask.data(), dx.data());
    cpu::ref::conv2d_backward_data(g, dy.data(), w.data(), mask.data(), dx_ref.data());
    expect_close(name + " backward data", dx, dx_ref, tol_for(g.K * g.R * g.S));
    cpu::conv2d_backward_filter(g, x.data(), dy.data(), mask.data(), dw.data(), db.data());
    cpu::ref::conv2d_backward_filter(g, x.data(), dy.data(), mask.data(), dw_ref.data(), db_ref.data());
    expect_close(name + " backward filter", dw, dw_ref, tol_for(g.N * g.P * g.Q), &mask);
    expect_close(name + " backward bias", db, db_ref, tol_for(g.N * g.P * g.Q));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
    for (cpu::SimdPath p : cpu::simd_available()) std::printf("%s\n", cpu::simd_path_name(p));
    return 0;
  }
  try {
    const char* path = cpu::simd_path_name(cpu::simd_path());
    if (!cpu::simd_note().empty()) {
      std::printf("kernel_test: %s\n", cpu::simd_note().c_str());
      return 1;
    }
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      test_gemm();
      test_masked_dense();
      test_csr_spmm();
      test_sparse_dense();
      test_conv();
    }
    std::printf("kernel_test [%s]: %d checks, %d failed\n", path, checks, failures);
  } catch (const std::exception& e) {
    std::printf("kernel_test: error: %s\n", e.what());
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
