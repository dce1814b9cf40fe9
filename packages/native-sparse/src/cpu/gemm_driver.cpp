// The packed GEMM driver: ISA choice, cache blocking, the thread grid and per-thread pack buffers.
// See gemm_internal.h for the loop structure.

#include <cstdlib>

#include "../errors.h"
#include "../parallel.h"
#include "gemm_internal.h"
#include "simd.h"

namespace lth::cpu::gemm_detail {

namespace {

// Blocking for AMD Zen 4/5 (32–48 KB L1d, 1 MB L2 per core): an A micro-panel (mr × KC ≤ 12×400
// floats, 19 KB) stays in L1 while the packed B block (KC × NC, ≤ ~600 KB) stays in L2.
constexpr int64_t kKcMax = 400;
constexpr int64_t kL2BlockBytes = 600 * 1024;
// Packing one element of B costs about as much as this many multiply-adds, reading one of A (unpacked)
// about kAReadCost (used to pick the thread grid).
constexpr int64_t kPackCost = 6;
constexpr int64_t kAReadCost = 1;
// A parallel region costs about this many multiply-adds per extra thread (~1 µs fork/join with spinning
// threads, more when they have gone to sleep); below that one thread wins.
constexpr int64_t kThreadCost = 150000;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

const Isa& pick_isa() {
  const Isa* isa = nullptr;
  switch (simd_path()) {
    case SimdPath::kAvx512:
      isa = isa_avx512();
      break;
    case SimdPath::kAvx2:
      isa = isa_avx2();
      break;
    case SimdPath::kNeon:
      isa = isa_neon();
      break;
    default:
      break;
  }
  return isa ? *isa : isa_generic();
}

// Per-calling-thread pack workspace (grown, never shrunk), shared out to the OpenMP team of one call.
struct Workspace {
  float* data = nullptr;
  size_t floats = 0;
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() { std::free(data); }
  float* get(size_t n) {
    if (n > floats) {
      std::free(data);
      data = nullptr;
      floats = 0;
      size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
      data = static_cast<float*>(std::aligned_alloc(64, bytes));
      LTH_CHECK(data != nullptr, code::kOom, "gemm: cannot allocate ", bytes, " bytes of pack buffers");
      floats = n;
    }
    return data;
  }
};

// C = epilogue(0) for K == 0.
void run_empty_k(const Problem& p) {
  Epilogue e{p.alpha, p.beta, p.bias, p.relu, p.cmask, p.ldm};
  const float zero[1] = {0.0f};
  for (int64_t i = 0; i < p.M; ++i) {
    Epilogue row = e;
    if (row.cmask) row.cmask += i * p.ldm;
    for (int64_t j = 0; j < p.N; ++j) {
      Epilogue el = row;
      if (el.bias) el.bias += j;
      if (el.cmask) el.cmask += j;
      store_tile_scalar(zero, 1, 1, 1, p.c + i * p.ldc + j, p.ldc, el);
    }
  }
}

struct Grid {
  int tm, tn;
};

// Split C into tm × tn thread rectangles (tm·tn ≤ threads), minimising the slowest thread's estimated
// cost: its padded multiply-adds plus the packing it repeats (each thread packs its own rows of A and
// columns of B), plus a fixed cost per extra thread.
Grid choose_grid(int64_t M, int64_t N, int64_t K, int threads, const Isa& isa) {
  int64_t mt = ceil_div(M, isa.mr), nt = ceil_div(N, isa.nr);
  Grid best{1, 1};
  double best_cost = -1;
  for (int tm = 1; tm <= threads && tm <= mt; ++tm) {
    for (int tn = 1; tm * tn <= threads && tn <= nt; ++tn) {
      double rows = static_cast<double>(ceil_div(mt, tm) * isa.mr);
      double cols = static_cast<double>(ceil_div(nt, tn) * isa.nr);
      double cost = rows * cols * static_cast<double>(K) +
                    static_cast<double>(K) * (kPackCost * cols + kAReadCost * rows) +
                    static_cast<double>(kThreadCost) * (tm * tn - 1);
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        best = {tm, tn};
      }
    }
  }
  return best;
}

}  // namespace

const Isa& active_isa() {
  static const Isa& isa = pick_isa();
  return isa;
}

void run(const Problem& p) {
  if (p.M <= 0 || p.N <= 0) return;
  if (p.K <= 0) {
    run_empty_k(p);
    return;
  }
  const Isa& isa = active_isa();
  const int64_t mr = isa.mr, nr = isa.nr;

  // Depth blocks of equal size (≤ kKcMax), so no block is a thin remainder.
  const int64_t kblocks = ceil_div(p.K, kKcMax);
  const int64_t kc_nom = ceil_div(p.K, kblocks);

  int threads = in_parallel_region() ? 1 : num_threads();
  const Grid g = choose_grid(p.M, p.N, p.K, threads, isa);
  const int workers = g.tm * g.tn;
  const int64_t mt = ceil_div(p.M, mr), nt = ceil_div(p.N, nr);

  // Largest per-thread block of B, which bounds the pack buffer.
  const int64_t cols_pt = ceil_div(nt, g.tn) * nr;
  const int64_t nc_l2 = std::max<int64_t>(nr, kL2BlockBytes / (kc_nom * 4) / nr * nr);
  const int64_t nc_max = std::min(cols_pt, nc_l2);
  const int64_t per_worker = (nc_max * kc_nom + 15) / 16 * 16;  // 64-byte aligned blocks

  static thread_local Workspace ws;
  float* buffers = ws.get(static_cast<size_t>(per_worker * workers));

  const bool a_kcontig = !p.a.trans;  // op(A)(i, k) = a[i*lda + k], else a[k*lda + i]
  const int64_t lda = p.a.ld;

  // One worker: rectangle (ti, tj) of the grid. No exceptions escape (nothing in here throws).
  auto work = [&](int w) noexcept {
    const int ti = w / g.tn, tj = w % g.tn;
    const int64_t m0 = std::min(p.M, mt * ti / g.tm * mr), m1 = std::min(p.M, mt * (ti + 1) / g.tm * mr);
    const int64_t n0 = std::min(p.N, nt * tj / g.tn * nr), n1 = std::min(p.N, nt * (tj + 1) / g.tn * nr);
    float* bbuf = buffers + per_worker * w;
    for (int64_t jc = n0; jc < n1; jc += nc_max) {
      const int64_t nc = std::min(nc_max, n1 - jc);
      for (int64_t pc = 0; pc < p.K; pc += kc_nom) {
        const int64_t kc = std::min(kc_nom, p.K - pc);
        const bool first = pc == 0, last = pc + kc == p.K;
        isa.pack_b(p.b, pc, kc, jc, nc, isa.nr, isa.nr_half, bbuf);
        for (int64_t i = m0; i < m1; i += mr) {
          const int rows = static_cast<int>(std::min(mr, m1 - i));
          const float* ap = a_kcontig ? p.a.p + i * lda + pc : p.a.p + pc * lda + i;
          float* crow = p.c + i * p.ldc + jc;
          for (int64_t jr = 0; jr < nc; jr += nr) {
            const int cols = static_cast<int>(std::min(nr, nc - jr));
            const int bw = (isa.nr_half && cols <= isa.nr_half) ? isa.nr_half : isa.nr;
            Epilogue e{p.alpha, first ? p.beta : 1.0f, nullptr, false, nullptr, p.ldm};
            if (last) {
              e.bias = p.bias ? p.bias + jc + jr : nullptr;
              e.relu = p.relu;
              e.cmask = p.cmask ? p.cmask + i * p.ldm + jc + jr : nullptr;
            }
            isa.tile(rows, cols, bw, kc, ap, lda, a_kcontig, bbuf + jr * kc, crow + jr, p.ldc, e);
          }
        }
      }
    }
  };

  if (workers == 1) {
    work(0);
    return;
  }
  parallel_for(workers, 1, [&](int64_t b, int64_t e) {
    for (int64_t w = b; w < e; ++w) work(static_cast<int>(w));
  });
}

}  // namespace lth::cpu::gemm_detail
