// The tiled fp32 GEMM kernel (interface: gemm.cuh; launched by gemm.cu for the gemm op and the masked dense
// layer; included by gemm.cu only, so the kernels are compiled once):
//   C[M,N] = epilogue(Σ_k op(A)[m,k] · op(B)[k,n])
// op(A) is A [M,K] (ta = N) or Aᵀ with A stored [K,M]; op(B) is B [K,N] (tb = N) or Bᵀ with B stored [N,K].
// Either operand may carry a uint8 mask of its own layout (0 = pruned): the element is loaded as 0 whatever
// it holds, so no masked copy of W is ever made. The epilogue is alpha·acc (+ beta·C, C read only when
// beta != 0, so NaN in an ignored C never leaks) (+ bias[n]) (then ReLU) (then 0 where cmask == 0).
//
// Tiling: a BM×BN block tile (128×128 with BK 8 for large problems, 64×64 with BK 16 for small ones), 256
// threads as 16×16, each owning a (BM/16)×(BN/16) register micro-tile made of 4×4 sub-tiles spaced 64
// apart (rows r·64 + ty·4 + i, columns c·64 + tx·4 + j), so the shared-memory reads are float4 and a warp's
// stores of one row are contiguous. Every thread loads exactly 4 elements of each operand per k-step
// (a float4 when the operand's leading dimension and pointer allow, else 4 bounds-checked scalars) into
// registers while the previous tile is multiplied out of shared memory (double-buffered, one barrier per
// k-step). The k-major shared arrays are padded by 4 floats: transposed stores are conflict-free for BK 8.
//
// Determinism: each output element is one fixed-order fp32 FMA chain (per split-K slice); split-K writes raw
// partial sums to scratch and gemm_splitk_sum_kernel adds them in slice order. Tile shape and the number of
// slices are functions of (M, N, K) only, so one problem gives the same bits on every run and every GPU.
//
// Index math: tile origins, element coordinates and memory offsets are int64; only in-tile offsets are int.
// This header makes no runtime calls, so it can also be compiled as host code with an emulation of
// threadIdx/blockIdx/__syncthreads for checking the edge handling without a GPU.
#pragma once
#include <cstdint>

#include "gemm.cuh"

namespace lth::cuda::tiled {

constexpr int kThreads = 256;  // 16×16
constexpr int kPad = 4;        // shared-memory row padding (floats); keeps rows 16-byte aligned

// The final value of C[row, col] from the dot product acc.
__device__ __forceinline__ float gemm_finish(const Epilogue& e, int64_t row, int64_t col, float acc) {
  float v = e.alpha * acc;
  if (e.beta != 0.0f) v += e.beta * e.C[row * e.ldc + col];
  if (e.bias) v += e.bias[col];
  if (e.relu) v = v < 0.0f ? 0.0f : v;  // NaN propagates (like the CPU kernels)
  if (e.cmask && !e.cmask[row * e.ldm + col]) v = 0.0f;
  return v;
}

// Problem z of a batch (grid y): its operand and its outputs (no-ops for z == 0, the unbatched case).
__device__ __forceinline__ void select_problem(int64_t z, Operand& op) {
  op.p += z * op.batch_stride;
  if (op.mask) op.mask += z * op.batch_stride;
}
__device__ __forceinline__ void select_problem(int64_t z, Epilogue& e) {
  e.C += z * e.c_stride;
  if (e.bias) e.bias += z * e.bias_stride;
  if (e.cmask) e.cmask += z * e.cmask_stride;
}

// v[0..3] = op[outer, inner + q] (0 where out of range or masked). inner is a multiple of 4.
__device__ __forceinline__ void load_quad(const Operand& op, int64_t outer, int64_t outer_end, int64_t inner,
                                          int64_t inner_end, float v[4]) {
  if (outer >= outer_end) {
    v[0] = v[1] = v[2] = v[3] = 0.0f;
    return;
  }
  const int64_t off = outer * op.ld + inner;
  if (op.vec && inner + 3 < inner_end) {
    const float4 q = *reinterpret_cast<const float4*>(op.p + off);
    v[0] = q.x;
    v[1] = q.y;
    v[2] = q.z;
    v[3] = q.w;
    if (op.mask) {
      const uchar4 m = *reinterpret_cast<const uchar4*>(op.mask + off);
      if (!m.x) v[0] = 0.0f;
      if (!m.y) v[1] = 0.0f;
      if (!m.z) v[2] = 0.0f;
      if (!m.w) v[3] = 0.0f;
    }
    return;
  }
#pragma unroll
  for (int q = 0; q < 4; ++q) {
    const bool in = inner + q < inner_end;
    v[q] = (in && (!op.mask || op.mask[off + q])) ? op.p[off + q] : 0.0f;
  }
}

// Slice z of the reduction covers [z·kps, min(K, (z+1)·kps)); kps is a multiple of BK. partial == null: the
// epilogue writes C; else raw sums go to partial[problem][z][M][N] for gemm_splitk_sum_kernel.
// grid = (tiles_m · tiles_n, batch, slices); block = kThreads.
template <int BM, int BN, int BK, bool TA, bool TB>
__global__ void __launch_bounds__(kThreads)
    gemm_tile_kernel(int64_t M, int64_t N, int64_t K, Operand a, Operand b, Epilogue e, int64_t kps, float* partial) {
  constexpr int RM = BM / 64, RN = BN / 64;  // 4×4 sub-tiles per thread in each direction
  constexpr int TM = 4 * RM, TN = 4 * RN;
  static_assert(BM % 64 == 0 && BN % 64 == 0 && BK % 4 == 0, "tile shape");
  static_assert(BM * BK / 4 == kThreads && BN * BK / 4 == kThreads, "one quad of each operand per thread");
  __shared__ __align__(16) float As[2][BK][BM + kPad];  // As[buf][k][m]
  __shared__ __align__(16) float Bs[2][BK][BN + kPad];  // Bs[buf][k][n]

  const int64_t problem = static_cast<int64_t>(blockIdx.y);
  select_problem(problem, a);
  select_problem(problem, b);
  select_problem(problem, e);
  if (partial) partial += problem * static_cast<int64_t>(gridDim.z) * M * N;
  const int tid = static_cast<int>(threadIdx.x);
  const int tx = tid % 16, ty = tid / 16;
  const int64_t tiles_n = (N + BN - 1) / BN;
  const int64_t tile = static_cast<int64_t>(blockIdx.x);
  const int64_t m0 = (tile / tiles_n) * BM, n0 = (tile % tiles_n) * BN;
  const int64_t kbeg = static_cast<int64_t>(blockIdx.z) * kps;
  const int64_t kend = K - kbeg < kps ? K : kbeg + kps;
  const int64_t steps = kend > kbeg ? (kend - kbeg + BK - 1) / BK : 0;  // uniform across the block

  // This thread's quad in each tile. Contiguous along k: (row, k-quad) = (tid / (BK/4), tid % (BK/4) · 4);
  // contiguous along m or n: (k, quad) = (tid / (B·/4), tid % (B·/4) · 4).
  const int a_outer = TA ? tid / (BM / 4) : tid / (BK / 4);
  const int a_inner = TA ? (tid % (BM / 4)) * 4 : (tid % (BK / 4)) * 4;
  const int b_outer = TB ? tid / (BK / 4) : tid / (BN / 4);
  const int b_inner = TB ? (tid % (BK / 4)) * 4 : (tid % (BN / 4)) * 4;

  float ra[4], rb[4];
  auto load = [&](int64_t k0) {
    if constexpr (TA) load_quad(a, k0 + a_outer, kend, m0 + a_inner, M, ra);  // A stored [K, M]
    else load_quad(a, m0 + a_outer, M, k0 + a_inner, kend, ra);               // A stored [M, K]
    if constexpr (TB) load_quad(b, n0 + b_outer, N, k0 + b_inner, kend, rb);  // B stored [N, K]
    else load_quad(b, k0 + b_outer, kend, n0 + b_inner, N, rb);               // B stored [K, N]
  };
  auto store = [&](int buf) {
    if constexpr (TA) {
      *reinterpret_cast<float4*>(&As[buf][a_outer][a_inner]) = make_float4(ra[0], ra[1], ra[2], ra[3]);
    } else {
#pragma unroll
      for (int q = 0; q < 4; ++q) As[buf][a_inner + q][a_outer] = ra[q];
    }
    if constexpr (TB) {
#pragma unroll
      for (int q = 0; q < 4; ++q) Bs[buf][b_inner + q][b_outer] = rb[q];
    } else {
      *reinterpret_cast<float4*>(&Bs[buf][b_outer][b_inner]) = make_float4(rb[0], rb[1], rb[2], rb[3]);
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; ++i)
#pragma unroll
    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

  if (steps > 0) {
    load(kbeg);
    store(0);
  }
  __syncthreads();
  for (int64_t t = 0; t < steps; ++t) {
    const int buf = static_cast<int>(t & 1);
    const bool more = t + 1 < steps;
    if (more) load(kbeg + (t + 1) * BK);  // in flight while this tile is multiplied
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float av[TM], bv[TN];
#pragma unroll
      for (int r = 0; r < RM; ++r) {
        const float4 q = *reinterpret_cast<const float4*>(&As[buf][kk][r * 64 + ty * 4]);
        av[r * 4 + 0] = q.x;
        av[r * 4 + 1] = q.y;
        av[r * 4 + 2] = q.z;
        av[r * 4 + 3] = q.w;
      }
#pragma unroll
      for (int c = 0; c < RN; ++c) {
        const float4 q = *reinterpret_cast<const float4*>(&Bs[buf][kk][c * 64 + tx * 4]);
        bv[c * 4 + 0] = q.x;
        bv[c * 4 + 1] = q.y;
        bv[c * 4 + 2] = q.z;
        bv[c * 4 + 3] = q.w;
      }
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    if (more) store(buf ^ 1);  // the other buffer: its last readers passed the previous barrier
    __syncthreads();
  }

#pragma unroll
  for (int r = 0; r < RM; ++r) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int64_t row = m0 + r * 64 + ty * 4 + i;
      if (row >= M) continue;
#pragma unroll
      for (int c = 0; c < RN; ++c) {
        const int64_t col = n0 + c * 64 + tx * 4;
        if (col >= N) continue;
        const float* s = &acc[r * 4 + i][c * 4];
        if (partial) {
          float* out = partial + (static_cast<int64_t>(blockIdx.z) * M + row) * N + col;
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (col + j < N) out[j] = s[j];
          continue;
        }
        float v[4];
#pragma unroll
        for (int j = 0; j < 4; ++j) v[j] = col + j < N ? gemm_finish(e, row, col + j, s[j]) : 0.0f;
        float* out = e.C + row * e.ldc + col;
        if (e.vec && col + 3 < N) {
          *reinterpret_cast<float4*>(out) = make_float4(v[0], v[1], v[2], v[3]);
        } else {
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (col + j < N) out[j] = v[j];
        }
      }
    }
  }
}

// C[m, n] = epilogue(Σ_z partial[z][m][n]), z ascending (deterministic). grid y: the problem of a batch.
__global__ void gemm_splitk_sum_kernel(int64_t M, int64_t N, int64_t slices, const float* partial, Epilogue e) {
  const int64_t MN = M * N;
  select_problem(static_cast<int64_t>(blockIdx.y), e);
  partial += static_cast<int64_t>(blockIdx.y) * slices * MN;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < MN;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    float s = 0.0f;
    for (int64_t z = 0; z < slices; ++z) s += partial[z * MN + i];
    const int64_t row = i / N, col = i - row * N;
    e.C[row * e.ldc + col] = gemm_finish(e, row, col, s);
  }
}

}  // namespace lth::cuda::tiled
