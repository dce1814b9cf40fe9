// gather_rows.cu, csr_convert.cu, csr_spmm.cu, sparse_dense.cu, the positions steps of sgd_step.cu / adam_step.cu,
// mask_ops.cu (with mask_count.cuh) and magnitude_prune.cu against lth::cpu::ref
// in the emulation: discrete outputs (gathered words, CSR structure and values, counts, masks) bit for bit,
// the SpMM product within fp32 tolerance, and the error paths (bad index, malformed CSR, count out of range,
// NaN weight) with the CPU's code and, where the CPU's fast and reference paths agree on it, its message.
#include <algorithm>
#include <limits>

#include "check.h"
#include "cub/cub.cuh"  // the emulated sort keeps its last keys and result
using namespace lth;
using namespace emu;

namespace {

// ---- gather_rows ---------------------------------------------------------------------------------------

void test_gather(int64_t n, int64_t width, int64_t rows) {
  const std::string name = "gather " + std::to_string(n) + " of " + std::to_string(rows) + "x" + std::to_string(width);
  std::vector<uint32_t> table(rows * width);
  for (auto& v : table) v = static_cast<uint32_t>(rng());
  if (!table.empty()) table[0] = 0x7fc00042u;  // a NaN payload travels unchanged
  std::vector<int32_t> index(n);
  for (auto& v : index) v = rows > 0 ? static_cast<int32_t>(rng() % rows) : 0;
  std::vector<uint32_t> o1(n * width + 3, 0xdeadbeefu), o2(n * width + 3, 0xdeadbeefu);  // 3 guard words
  if (rows > 0) {
    cpu::ref::gather_rows(n, width, rows, table.data(), index.data(), o1.data());
    cuda::gather_rows(n, width, rows, table.data(), index.data(), o2.data());
    same(name, o2, o1);
  }
  if (n == 0) return;
  for (int32_t bad : {-1, static_cast<int32_t>(rows), std::numeric_limits<int32_t>::max()})
    for (bool second : {false, true}) {  // the only bad index, or the first of two
      auto idx = index;
      idx[n / 2] = bad;
      if (second) idx[n - 1] = -3;
      same_error(name + " index " + std::to_string(bad) + (second ? " and another" : ""),
                 [&] { cpu::ref::gather_rows(n, width, rows, table.data(), idx.data(), o1.data()); },
                 [&] { cuda::gather_rows(n, width, rows, table.data(), idx.data(), o2.data()); });
    }
}

// ---- flip_translate (augmentation) ------------------------------------------------------------------------

void test_flip_translate(int64_t n, int64_t C, int64_t H, int64_t W) {
  const std::string name = "flip_translate " + std::to_string(n) + "x" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W);
  std::vector<float> src = randv(n * C * H * W);
  std::vector<int32_t> params(3 * n);
  for (int64_t k = 0; k < n; ++k) {
    params[3 * k] = static_cast<int32_t>(rng() % 2);
    params[3 * k + 1] = static_cast<int32_t>(rng() % 13) - 6;
    params[3 * k + 2] = k == 0 ? static_cast<int32_t>(W) + 1 : static_cast<int32_t>(rng() % 13) - 6;  // one past the edge
  }
  std::vector<float> o1(n * C * H * W + 3, -7.0f), o2(n * C * H * W + 3, -7.0f);  // 3 guard values
  cpu::ref::flip_translate(n, C, H, W, params.data(), src.data(), o1.data());
  cuda::flip_translate(n, C, H, W, params.data(), src.data(), o2.data());
  same(name, o2, o1);
}

// ---- CSR -----------------------------------------------------------------------------------------------

struct Csr {
  int64_t rows = 0, cols = 0;
  std::vector<int32_t> rowptr, colidx;
  std::vector<float> values;
  CsrView view() const { return {rows, cols, static_cast<int64_t>(colidx.size()), rowptr.data(), colidx.data(), values.data()}; }
};

// A dense matrix whose rows have very different lengths: empty rows, full rows, rows longer than 32.
std::vector<float> ragged_dense(int64_t rows, int64_t cols) {
  std::vector<float> W(rows * cols, 0.0f);
  for (int64_t i = 0; i < rows; ++i) {
    const int kind = static_cast<int>(rng() % 6);
    const double d = kind == 0 ? 0.0 : kind == 1 ? 1.0 : kind == 2 ? 0.02 : kind == 3 ? 0.5 : 0.15;
    for (int64_t j = 0; j < cols; ++j)
      if (std::uniform_real_distribution<double>(0, 1)(rng) < d) W[i * cols + j] = rn();
  }
  return W;
}

void test_convert(int64_t rows, int64_t cols, bool use_mask, int misalign) {
  const std::string name = "csr convert " + std::to_string(rows) + "x" + std::to_string(cols) +
                           (use_mask ? " mask" : "") + " +" + std::to_string(misalign);
  std::vector<float> Wbuf(rows * cols + 4);
  auto W0 = ragged_dense(rows, cols);
  std::copy(W0.begin(), W0.end(), Wbuf.begin() + misalign);
  float* W = Wbuf.data() + misalign;
  for (int64_t i = 0; i < rows * cols; i += 13) W[i] = i % 26 ? -0.0f : std::numeric_limits<float>::quiet_NaN();
  std::vector<uint8_t> mbuf(rows * cols + 17);
  auto m0 = randm(rows * cols, 0.4);
  std::copy(m0.begin(), m0.end(), mbuf.begin() + misalign);
  const uint8_t* m = use_mask ? mbuf.data() + misalign : nullptr;

  const int64_t nnz1 = cpu::ref::dense_nnz(rows, cols, W, m), nnz2 = cuda::dense_nnz(rows, cols, W, m);
  same_value(name + " nnz", nnz2, nnz1);
  Csr a, b;
  a.rows = b.rows = rows;
  a.cols = b.cols = cols;
  a.rowptr.assign(rows + 1, -9);
  b.rowptr.assign(rows + 1, -9);
  a.colidx.assign(nnz1, -9);
  b.colidx.assign(nnz1, -9);
  a.values.assign(nnz1, 7);
  b.values.assign(nnz1, 7);
  cpu::ref::dense_to_csr(rows, cols, W, m, a.rowptr.data(), a.colidx.data(), a.values.data());
  cuda::dense_to_csr(rows, cols, W, m, b.rowptr.data(), b.colidx.data(), b.values.data());
  same(name + " rowptr", b.rowptr, a.rowptr);
  same(name + " colidx", b.colidx, a.colidx);
  same(name + " values", b.values, a.values);

  std::vector<float> D1(rows * cols, 7), D2(rows * cols, 7);
  cpu::ref::csr_to_dense(a.view(), D1.data());
  cuda::csr_to_dense(a.view(), D2.data());
  same(name + " back to dense", D2, D1);
}

// Malformed CSR matrices: each must be refused by both devices with the same code and message.
void test_bad_csr() {
  auto W = ragged_dense(9, 40);
  Csr good;
  good.rows = 9;
  good.cols = 40;
  good.rowptr.resize(10);
  const int64_t nnz = cpu::ref::dense_nnz(9, 40, W.data(), nullptr);
  good.colidx.resize(nnz);
  good.values.resize(nnz);
  cpu::ref::dense_to_csr(9, 40, W.data(), nullptr, good.rowptr.data(), good.colidx.data(), good.values.data());
  std::vector<float> B = randv(40 * 5), C1(9 * 5), C2(9 * 5), D1(9 * 40), D2(9 * 40);
  auto check = [&](const std::string& what, const Csr& a) {
    same_error("csr_to_dense " + what, [&] { cpu::ref::csr_to_dense(a.view(), D1.data()); },
               [&] { cuda::csr_to_dense(a.view(), D2.data()); });
    same_error("csr_spmm " + what, [&] { cpu::ref::csr_spmm(a.view(), 5, B.data(), nullptr, false, C1.data()); },
               [&] { cuda::csr_spmm(a.view(), 5, B.data(), nullptr, false, C2.data()); });
  };
  Csr a = good;
  a.rowptr[0] = 1;
  check("rowptr[0]", a);
  a = good;
  a.rowptr[9] -= 1;
  check("rowptr[rows]", a);
  a = good;
  std::swap(a.rowptr[3], a.rowptr[5]);
  if (a.rowptr[3] == a.rowptr[5]) a.rowptr[3] += 1;
  check("decreasing rowptr", a);
  a = good;
  a.colidx[a.colidx.size() / 2] = 40;
  a.colidx.back() = -1;
  check("column out of range", a);
}

void test_spmm(int64_t M, int64_t K, int64_t N, bool bias, bool relu, int misalign, const char* shape = "ragged") {
  const std::string name = std::string("spmm ") + shape + " " + std::to_string(M) + "x" + std::to_string(K) + " * " +
                           std::to_string(N) + (bias ? " bias" : "") + (relu ? " relu" : "") + " +" +
                           std::to_string(misalign);
  std::vector<float> Wd = std::string(shape) == "ragged" || std::string(shape) == "nan" ? ragged_dense(M, K) : std::vector<float>(M * K, 0.0f);
  if (std::string(shape) == "dominant")  // row 1 holds most nonzeros: its length needs every bit of the sort key
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < K; ++j)
        if (i == 1 || rng() % (2 * K) == 0) Wd[i * K + j] = rn();
  if (std::string(shape) == "uniform")  // every row about the same length: picks the SpMV lane count
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < K; ++j)
        if (rng() % 3 == 0) Wd[i * K + j] = rn();
  Csr a;
  a.rows = M;
  a.cols = K;
  a.rowptr.resize(M + 1);
  const int64_t nnz = cpu::ref::dense_nnz(M, K, Wd.data(), nullptr);
  a.colidx.resize(nnz);
  a.values.resize(nnz);
  cpu::ref::dense_to_csr(M, K, Wd.data(), nullptr, a.rowptr.data(), a.colidx.data(), a.values.data());
  std::vector<float> Bbuf(K * N + 4), Cbuf1(M * N + 8, NAN), Cbuf2(M * N + 8, NAN), bs = randv(M);
  for (auto& v : Bbuf) v = rn();
  float* B = Bbuf.data() + misalign;
  for (int g = 0; g < 4 - misalign; ++g) B[K * N + g] = NAN;  // reading past B shows
  if (std::string(shape) == "nan")  // NaN in B: must reach C through the ReLU as NaN (the reference's max)
    for (int64_t j = 0; j < N; j += 2) B[(K / 2) * N + j] = NAN;
  float* C2 = Cbuf2.data() + misalign;
  cpu::ref::csr_spmm(a.view(), N, B, bias ? bs.data() : nullptr, relu, Cbuf1.data());
  cub::emu_sort_keys_in.clear();
  cub::emu_sort_vals_out.clear();
  cuda::csr_spmm(a.view(), N, B, bias ? bs.data() : nullptr, relu, C2);
  // Rows visited by decreasing length, equal lengths in row order (sorted when there is something to order).
  std::vector<unsigned long long> len, order;
  if (M > 1 && nnz > 0) {
    for (int64_t i = 0; i < M; ++i) len.push_back(a.rowptr[i + 1] - a.rowptr[i]);
    for (int64_t i = 0; i < M; ++i) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return len[x] > len[y]; });
  }
  same(name + " row lengths sorted", cub::emu_sort_keys_in, len);
  same(name + " row order", cub::emu_sort_vals_out, order);
  std::vector<float> got(C2, C2 + M * N), want(Cbuf1.begin(), Cbuf1.begin() + M * N);
  close(name, got, want, 2e-7 * (K + 4) * 4);
  ++checks;
  for (int g = 0; g < 8 - misalign; ++g)
    if (!std::isnan(C2[M * N + g])) { fail(name + ": wrote past C"); break; }
}

// ---- masks ----------------------------------------------------------------------------------------------

void test_mask(int64_t n, double density, int misalign) {
  const std::string name = "mask " + std::to_string(n) + " d " + std::to_string(density) + " +" + std::to_string(misalign);
  std::vector<uint8_t> buf(n + 16, 0xff);  // nonzero around: counting past the end shows
  auto m = randm(n, density);
  std::copy(m.begin(), m.end(), buf.begin() + misalign);
  const uint8_t* p = buf.data() + misalign;
  same_value(name + " count", cuda::count_nonzero(n, p), cpu::ref::count_nonzero(n, p));
  if (misalign) return;
  for (uint64_t seed : {1ull, 0xfeedbeefcafeull}) {
    std::vector<uint8_t> o1(n), o2(n);
    cpu::ref::shuffle_mask(n, seed, m.data(), o1.data());
    cuda::shuffle_mask(n, seed, m.data(), o2.data());
    same(name + " shuffle", o2, o1);
    auto inplace = m;
    cuda::shuffle_mask(n, seed, inplace.data(), inplace.data());
    same(name + " shuffle in place", inplace, o1);
  }
}

// ---- magnitude pruning ----------------------------------------------------------------------------------

struct PruneCase {
  std::vector<std::vector<float>> w;
  std::vector<std::vector<uint8_t>> mask;  // empty vector = no mask_in
};

// kind 0: normal; 1: few distinct magnitudes (ties across tiles and targets, ±0, ±inf, a denormal)
PruneCase make_prune(const std::vector<int64_t>& sizes, int kind, double density) {
  PruneCase c;
  for (size_t t = 0; t < sizes.size(); ++t) {
    auto w = randv(sizes[t]);
    if (kind == 1)
      for (auto& v : w) {
        const int r = static_cast<int>(rng() % 9);
        v = r == 0 ? 0.0f : r == 1 ? -0.0f : r == 2 ? INFINITY : r == 3 ? -1e-40f : (rng() % 2 ? 1.0f : -1.0f) * (r - 3) * 0.5f;
      }
    c.w.push_back(w);
    c.mask.push_back(t % 2 ? std::vector<uint8_t>{} : randm(sizes[t], density));
  }
  return c;
}

// Both devices on copies of the masks; alias: mask_out is mask_in.
void compare_prune(const std::string& name, const PruneCase& c, int64_t count, bool alias, bool expect_error) {
  auto m1 = c.mask, m2 = c.mask;
  std::vector<std::vector<uint8_t>> o1, o2;
  for (size_t t = 0; t < c.w.size(); ++t) {
    o1.emplace_back(c.w[t].size(), 0xee);
    o2.emplace_back(c.w[t].size(), 0xee);
  }
  auto targets = [&](std::vector<std::vector<uint8_t>>& in, std::vector<std::vector<uint8_t>>& out) {
    std::vector<PruneTarget> ts;
    for (size_t t = 0; t < c.w.size(); ++t) {
      const uint8_t* mi = in[t].empty() ? nullptr : in[t].data();
      uint8_t* mo = alias && !in[t].empty() ? in[t].data() : out[t].data();
      ts.push_back({c.w[t].data(), mi, mo, static_cast<int64_t>(c.w[t].size())});
    }
    return ts;
  };
  auto t1 = targets(m1, o1), t2 = targets(m2, o2);
  if (expect_error) {
    // The reference's NaN message names the weight, the fast CPU path's does not: compare codes only there.
    std::string code;
    try { cpu::ref::magnitude_prune(t1, count); } catch (const Error& e) { code = e.code(); }
    same_error(name, [&] { cpu::ref::magnitude_prune(t1, count); }, [&] { cuda::magnitude_prune(t2, count); },
               code != "ERR_NAN");
    for (size_t t = 0; t < c.w.size(); ++t) {
      same(name + " mask untouched " + std::to_string(t), m2[t], m1[t]);
      same(name + " output untouched " + std::to_string(t), o2[t], o1[t]);
    }
    return;
  }
  cpu::ref::magnitude_prune(t1, count);
  cuda::magnitude_prune(t2, count);
  for (size_t t = 0; t < c.w.size(); ++t) {
    if (alias && !c.mask[t].empty()) same(name + " mask " + std::to_string(t), m2[t], m1[t]);
    else same(name + " mask " + std::to_string(t), o2[t], o1[t]);
  }
}

int64_t alive_of(const PruneCase& c) {
  int64_t a = 0;
  for (size_t t = 0; t < c.w.size(); ++t)
    a += c.mask[t].empty() ? static_cast<int64_t>(c.w[t].size())
                           : cpu::ref::count_nonzero(static_cast<int64_t>(c.mask[t].size()), c.mask[t].data());
  return a;
}

void test_prune(const std::vector<int64_t>& sizes, int kind, double density) {
  const PruneCase c = make_prune(sizes, kind, density);
  std::string name = "prune kind " + std::to_string(kind) + " sizes";
  for (int64_t s : sizes) name += " " + std::to_string(s);
  const int64_t alive = alive_of(c);
  for (int64_t count : {int64_t{0}, int64_t{1}, alive / 3, alive / 2 + 1, alive - 1, alive}) {
    if (count < 0 || count > alive) continue;
    compare_prune(name + " count " + std::to_string(count), c, count, false, false);
  }
  compare_prune(name + " aliased", c, alive / 2, true, false);
  compare_prune(name + " count > alive", c, alive + 1, false, true);
  compare_prune(name + " count < 0", c, -1, false, true);
}

void test_prune_nan() {
  PruneCase c = make_prune({300, 50}, 0, 0.5);
  // a NaN under a pruned position is ignored; an alive one is an error
  int64_t dead = 0;
  while (c.mask[0][dead]) ++dead;
  c.w[0][dead] = NAN;
  compare_prune("prune NaN pruned", c, 10, false, false);
  c.w[1][17] = NAN;  // target 1 has no mask: alive
  compare_prune("prune NaN alive", c, 10, false, true);
}

// ---- sparse fully connected layer (sparse_dense.cu) and the optimizer steps at its positions ---------------

void test_sparse_dense(int64_t B, int64_t In, int64_t Out, double density, bool bias, bool relu) {
  const std::string name = "sparse_dense B" + std::to_string(B) + " " + std::to_string(In) + "->" +
                           std::to_string(Out) + " d" + std::to_string(density) + (bias ? " bias" : "") +
                           (relu ? " relu" : "");
  auto mask = randm(Out * In, density);
  if (Out > 2 && In > 1)  // an empty row and an empty column
    for (int64_t i = 0; i < In; ++i) mask[In + i] = 0;
  for (int64_t o = 0; o < Out && In > 0; ++o) mask[o * In] = 0;
  const int64_t nnz = cpu::ref::count_nonzero(Out * In, mask.data());
  struct Parts {
    std::vector<int32_t> rowptr, colidx, colptr, rowidx, positions;
  } a, c;
  for (Parts* s : {&a, &c}) {
    s->rowptr.resize(Out + 1);
    s->colptr.resize(In + 1);
    s->colidx.resize(nnz);
    s->rowidx.resize(nnz);
    s->positions.resize(nnz);
  }
  cpu::ref::sparse_dense_structure(Out, In, mask.data(), a.rowptr.data(), a.colidx.data(), a.colptr.data(),
                                   a.rowidx.data(), a.positions.data());
  cuda::sparse_dense_structure(Out, In, mask.data(), c.rowptr.data(), c.colidx.data(), c.colptr.data(),
                               c.rowidx.data(), c.positions.data());
  same(name + " rowptr", c.rowptr, a.rowptr);
  same(name + " colidx", c.colidx, a.colidx);
  same(name + " colptr", c.colptr, a.colptr);
  same(name + " rowidx", c.rowidx, a.rowidx);
  same(name + " positions", c.positions, a.positions);
  const SparseStructureView sv{Out, In, nnz, a.rowptr.data(), a.colidx.data(), a.colptr.data(), a.rowidx.data(),
                               a.positions.data()};
  auto x = randv(B * In), W = randv(Out * In, 0.3f), dy = randv(B * Out), bs = randv(Out, 0.1f);
  std::vector<float> y1(B * Out, NAN), y2(B * Out, NAN);
  cpu::ref::sparse_dense_forward(B, sv, x.data(), W.data(), bias ? bs.data() : nullptr, relu, y1.data());
  cuda::sparse_dense_forward(B, sv, x.data(), W.data(), bias ? bs.data() : nullptr, relu, y2.data());
  close(name + " y", y2, y1, 2e-7 * (In + 4) * 4);
  // The masked dense layer of the same mask is the definition: the ref loops agree with it.
  std::vector<float> y0(B * Out);
  cpu::ref::masked_dense_forward(B, In, Out, x.data(), W.data(), mask.data(), bias ? bs.data() : nullptr, relu,
                                 y0.data());
  close(name + " y vs masked", y1, y0, 1e-6);
  std::vector<float> dx1(B * In, NAN), dx2(B * In, NAN), db1(Out, NAN), db2(Out, NAN);
  std::vector<float> dW1(Out * In, 7.0f), dW2(Out * In, 7.0f);  // 7: pruned entries must stay untouched
  cpu::ref::sparse_dense_backward(B, sv, x.data(), W.data(), dy.data(), dx1.data(), dW1.data(), db1.data());
  cuda::sparse_dense_backward(B, sv, x.data(), W.data(), dy.data(), dx2.data(), dW2.data(), db2.data());
  close(name + " dx", dx2, dx1, 2e-7 * (Out + 4) * 4);
  close(name + " dW", dW2, dW1, 2e-7 * (B + 4) * 4);
  close(name + " db", db2, db1, 2e-7 * (B + 4) * 4);
  ++checks;
  for (int64_t k = 0; k < Out * In; ++k)
    if (!mask[k] && dW2[k] != 7.0f) {
      fail(name + ": dW written at a pruned entry");
      break;
    }
  // A structure whose indices were overwritten: the same error as the CPU's (B > 0: dx is then a real buffer).
  if (nnz > 0 && B > 0) {
    auto bad = a.colidx;
    bad[nnz / 2] = static_cast<int32_t>(In);
    SparseStructureView bv = sv;
    bv.colidx = bad.data();
    same_error(name + " bad column", [&] { cpu::ref::sparse_dense_forward(B, bv, x.data(), W.data(), nullptr, false, y1.data()); },
               [&] { cuda::sparse_dense_forward(B, bv, x.data(), W.data(), nullptr, false, y2.data()); });
    auto badr = a.rowidx;
    badr[0] = -1;
    bv = sv;
    bv.rowidx = badr.data();
    same_error(name + " bad row", [&] { cpu::ref::sparse_dense_backward(B, bv, x.data(), W.data(), dy.data(), dx1.data(), nullptr, nullptr); },
               [&] { cuda::sparse_dense_backward(B, bv, x.data(), W.data(), dy.data(), dx2.data(), nullptr, nullptr); });
  }
}

void test_steps_at(int64_t n, double density) {
  const std::string name = "steps at positions n" + std::to_string(n);
  auto mask = randm(n, density);
  std::vector<int32_t> pos;
  for (int64_t i = 0; i < n; ++i)
    if (mask[i]) pos.push_back(static_cast<int32_t>(i));
  const int64_t np = static_cast<int64_t>(pos.size());
  auto w = randv(n), g = randv(n, 0.1f), s1 = randv(n, 0.05f), s2 = randv(n, 0.05f);
  for (auto& v : s2) v *= v;
  s1.reserve(1);
  for (int variant = 0; variant < 3; ++variant) {
    SgdParams p{0.1f, variant ? 0.9f : 0.0f, variant == 2 ? 0.1f : 0.0f, 5e-4f, variant == 1};
    auto w1 = w, w2 = w, v1 = s1, v2 = s1;
    cpu::ref::sgd_step_at(np, pos.data(), n, p, w1.data(), g.data(), variant ? v1.data() : nullptr);
    cuda::sgd_step_at(np, pos.data(), n, p, w2.data(), g.data(), variant ? v2.data() : nullptr);
    close(name + " sgd w", w2, w1, 1e-7);
    close(name + " sgd v", v2, v1, 1e-7);
    for (int64_t i = 0; i < n; ++i)
      if (!mask[i] && (w2[i] != w[i] || v2[i] != s1[i])) {
        fail(name + " sgd: an unlisted entry changed");
        break;
      }
  }
  for (int variant = 0; variant < 2; ++variant) {
    AdamParams p{1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, 7, variant == 1};
    auto w1 = w, w2 = w, m1 = s1, m2 = s1, v1 = s2, v2 = s2;
    cpu::ref::adam_step_at(np, pos.data(), n, p, w1.data(), g.data(), m1.data(), v1.data());
    cuda::adam_step_at(np, pos.data(), n, p, w2.data(), g.data(), m2.data(), v2.data());
    close(name + " adam w", w2, w1, 1e-7);
    close(name + " adam m", m2, m1, 1e-7);
    close(name + " adam v", v2, v1, 1e-7);
  }
  if (np >= 2) {
    for (int kind = 0; kind < 2; ++kind) {  // out of range, then not ascending
      auto bad = pos;
      if (kind == 0) bad[np / 2] = static_cast<int32_t>(n);
      else std::swap(bad[0], bad[1]);
      SgdParams p{0.1f, 0.0f, 0.0f, 0.0f, false};
      auto w1 = w, w2 = w;
      same_error(name + (kind ? " not ascending" : " out of range"),
                 [&] { cpu::ref::sgd_step_at(np, bad.data(), n, p, w1.data(), g.data(), nullptr); },
                 [&] { cuda::sgd_step_at(np, bad.data(), n, p, w2.data(), g.data(), nullptr); });
      same(name + " nothing written on error", w2, w);
    }
  }
}

}  // namespace

void suite_gather() {
  test_flip_translate(9, 3, 32, 32);
  test_flip_translate(4, 2, 5, 3);
  test_flip_translate(0, 3, 4, 4);
  test_gather(70, 37, 50);  // repeats, ragged width
  test_gather(5, 300, 3);
  test_gather(9, 1, 1000);
  test_gather(0, 4, 10);
  test_gather(6, 0, 4);  // zero-width rows: nothing to copy, indices still checked
  test_gather(3, 0, 0);  // empty table: every index is out of range
}

void suite_csr() {
  test_convert(37, 77, false, 0);  // > 32 columns: several ballot steps per row
  test_convert(37, 77, true, 0);
  test_convert(20, 16, false, 1);  // W not 16-byte aligned: scalar count
  test_convert(20, 16, true, 3);   // mask not aligned
  test_convert(300, 5, false, 0);  // many short rows: several blocks
  test_convert(1, 1, false, 0);
  test_convert(0, 5, false, 0);
  test_convert(4, 0, true, 0);
  test_bad_csr();
  for (bool bias : {false, true})
    for (bool relu : {false, true}) {
      test_spmm(40, 50, 8, bias, relu, 0);  // float4 path, G = 2
      test_spmm(40, 50, 3, bias, relu, 0);  // scalar, G = 4
      test_spmm(40, 50, 1, bias, relu, 0);  // SpMV
    }
  test_spmm(40, 50, 8, true, false, 1);     // B, C misaligned: scalar path
  test_spmm(30, 60, 100, true, true, 0);    // float4, 25 vectors: G = 32
  test_spmm(30, 60, 150, false, true, 0);   // scalar, 150 columns: NV = 4, two column tiles
  test_spmm(17, 33, 260, true, false, 0);   // float4, 65 vectors: NV = 4
  test_spmm(9, 70, 1030, true, true, 2);    // scalar, many column tiles
  test_spmm(1, 40, 12, true, true, 0);      // one row: no reordering
  test_spmm(25, 40, 6, true, true, 0, "empty");  // no nonzeros: bias / ReLU only
  test_spmm(12, 64, 5, true, false, 0, "dominant");
  test_spmm(40, 50, 8, true, true, 0, "nan");   // float4
  test_spmm(40, 50, 5, false, true, 0, "nan");  // scalar
  test_sparse_dense(60, 784, 300, 0.2, true, true);  // LeNet fc1
  test_sparse_dense(60, 300, 100, 0.036, true, true);
  test_sparse_dense(13, 29, 17, 0.5, true, false);
  test_sparse_dense(7, 9, 5, 0.0, true, true);
  test_sparse_dense(7, 9, 5, 1.0, false, false);
  test_sparse_dense(0, 8, 4, 0.5, true, false);
  test_sparse_dense(3, 0, 5, 0.5, true, true);
  test_steps_at(4097, 0.3);
  test_steps_at(65, 0.0);
  test_steps_at(1, 1.0);
  test_spmm(40, 50, 1, true, true, 0, "nan");   // SpMV
  test_spmm(12, 64, 1, false, true, 0, "dominant");
  for (int64_t K : {12, 20, 40, 100})       // SpMV lane counts 4, 8, 16, 32 (average row length K/3)
    test_spmm(50, K, 1, true, false, 0, "uniform");
}

void suite_mask() {
  for (int64_t n : {0, 1, 15, 16, 17, 1000, 100003}) {
    test_mask(n, 0.5, 0);
    test_mask(n, 0.5, 5);
  }
  test_mask(4099, 0.0, 0);
  test_mask(4099, 1.0, 0);
}

void suite_prune() {
  test_prune({1000}, 0, 0.7);
  test_prune({1000}, 1, 0.7);
  test_prune({20000, 5000, 0, 9000}, 1, 0.8);  // several tiles of 8192, an empty target, ties across tiles
  test_prune({300, 8192, 8193, 7}, 0, 0.5);     // tile boundaries
  test_prune({0}, 0, 0.5);
  test_prune_nan();
}
