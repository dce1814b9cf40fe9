// CSR × dense on the GPU: csr_spmm (definition: src/cpu/csr_spmm.cpp, namespace ref).
//
// csr_spmm      C[M,N] = A[M,K] · B[K,N] (+ bias[M] per row) (ReLU), after Sputnik (Gale et al. 2020):
//   - rows are visited in order of decreasing length (CUB radix sort of the row lengths, stable, per call),
//     so the rows sharing a warp have similar lengths and the longest rows start first;
//   - a group of G lanes (G = power of two ≤ 32 fitted to N) owns one row and a tile of the columns of C;
//     each lane holds NV × VEC columns (VEC = 4 with float4 loads of B and stores of C when N % 4 == 0 and
//     B, C are 16-byte aligned, else 1), spaced G × VEC apart so a group's loads of a row of B coalesce;
//   - the row's nonzeros are staged in shared memory G at a time (one coalesced load per lane), then every
//     lane walks them: per nonzero one broadcast read of (col, value) and NV vector loads of B[col, ·];
//   - fused epilogue: + bias, ReLU (NaN propagates, as in the CPU reference), float4 stores.
//   Wider N than one tile (NV·G·VEC ≤ 512 columns) uses more column tiles in gridDim.y.
//   N == 1 (SpMV) has its own kernel: G lanes per row split the nonzeros, then a shuffle reduction.
//   Every output element is summed in nonzero order by one thread, so results are deterministic.
// The CSR ops that read a user-supplied CSR validate it first on the device (rowptr[0] == 0,
// rowptr[rows] == nnz, rowptr non-decreasing, columns in [0, cols)) and throw ERR_ARG with the CPU's
// messages; after that every access is in bounds.
#include <cub/cub.cuh>

#include <algorithm>
#include <climits>
#include <vector>

#include "common.cuh"
#include "csr_common.cuh"

namespace lth::cuda {

namespace {

// ---- SpMM ----------------------------------------------------------------------------------------------

__global__ void __launch_bounds__(kThreads)
    row_len_kernel(int64_t rows, const int32_t* rowptr, uint32_t* len, uint32_t* ids) {
  LTH_CUDA_FOR(i, rows) {
    len[i] = static_cast<uint32_t>(rowptr[i + 1] - rowptr[i]);
    ids[i] = static_cast<uint32_t>(i);
  }
}

// ReLU as the CPU reference defines it (std::max(v, 0)): a NaN stays NaN (fmaxf would turn it into 0).
__device__ __forceinline__ float epilogue(float acc, float b0, bool relu) {
  const float v = acc + b0;
  return relu && v < 0.0f ? 0.0f : v;
}

// General N. G lanes (power of two ≤ 32) per row; slot s = the s-th row in perm order (perm null: s itself).
// Column tile t covers [t·NV·G·VEC, (t+1)·NV·G·VEC); lane gl owns columns t·NV·G·VEC + v·G·VEC + gl·VEC + [0,VEC).
template <int VEC, int NV>
__global__ void __launch_bounds__(kThreads)
    spmm_kernel(int64_t M, int64_t N, const int32_t* __restrict__ rowptr, const int32_t* __restrict__ colidx,
                const float* __restrict__ values, const uint32_t* __restrict__ perm, const float* __restrict__ B,
                const float* __restrict__ bias, bool relu, float* __restrict__ C, int G) {
  __shared__ int32_t s_col[kWarps][32];
  __shared__ float s_val[kWarps][32];
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int gi = lane / G, gl = lane % G;  // group within the warp, lane within the group
  const int64_t slot = (static_cast<int64_t>(blockIdx.x) * kWarps + warp) * (32 / G) + gi;
  const bool active = slot < M;
  const int64_t row = active ? (perm ? static_cast<int64_t>(perm[slot]) : slot) : 0;
  const int64_t p0 = active ? rowptr[row] : 0, p1 = active ? rowptr[row + 1] : 0;
  const unsigned chunks = static_cast<unsigned>((p1 - p0 + G - 1) / G);
  const unsigned max_chunks = __reduce_max_sync(kFull, chunks);  // warp-uniform trip count
  const float b0 = active && bias ? bias[row] : 0.0f;
  const int64_t stride = static_cast<int64_t>(G) * VEC;  // between a lane's vectors
  const int64_t tile_w = stride * NV;
  for (int64_t t = blockIdx.y; t * tile_w < N; t += gridDim.y) {  // block-uniform
    const int64_t j0 = t * tile_w + static_cast<int64_t>(gl) * VEC;
    float acc[NV][VEC];
#pragma unroll
    for (int v = 0; v < NV; ++v)
#pragma unroll
      for (int e = 0; e < VEC; ++e) acc[v][e] = 0.0f;
    for (unsigned c = 0; c < max_chunks; ++c) {
      const int64_t base = p0 + static_cast<int64_t>(c) * G;
      __syncwarp();  // the previous chunk has been read
      if (base + gl < p1) {
        s_col[warp][lane] = colidx[base + gl];
        s_val[warp][lane] = values[base + gl];
      }
      __syncwarp();
      const int kn = p1 - base < G ? static_cast<int>(p1 - base) : G;  // <= 0 once the row is done
      for (int k = 0; k < kn; ++k) {
        const float a = s_val[warp][gi * G + k];
        const float* b = B + static_cast<int64_t>(s_col[warp][gi * G + k]) * N;
#pragma unroll
        for (int v = 0; v < NV; ++v) {
          const int64_t j = j0 + v * stride;
          if (j < N) {  // VEC == 4: N % 4 == 0 and j % 4 == 0, so j + 3 < N too
            if constexpr (VEC == 4) {
              const float4 q = *reinterpret_cast<const float4*>(b + j);
              acc[v][0] = fmaf(a, q.x, acc[v][0]);
              acc[v][1] = fmaf(a, q.y, acc[v][1]);
              acc[v][2] = fmaf(a, q.z, acc[v][2]);
              acc[v][3] = fmaf(a, q.w, acc[v][3]);
            } else {
              acc[v][0] = fmaf(a, b[j], acc[v][0]);
            }
          }
        }
      }
    }
    if (active) {
      float* c = C + row * N;
#pragma unroll
      for (int v = 0; v < NV; ++v) {
        const int64_t j = j0 + v * stride;
        if (j < N) {
          if constexpr (VEC == 4) {
            *reinterpret_cast<float4*>(c + j) =
                make_float4(epilogue(acc[v][0], b0, relu), epilogue(acc[v][1], b0, relu), epilogue(acc[v][2], b0, relu),
                            epilogue(acc[v][3], b0, relu));
          } else {
            c[j] = epilogue(acc[v][0], b0, relu);
          }
        }
      }
    }
  }
}

// N == 1: G lanes per row split its nonzeros, then a shuffle reduction within the group.
__global__ void __launch_bounds__(kThreads)
    spmv_kernel(int64_t M, const int32_t* __restrict__ rowptr, const int32_t* __restrict__ colidx,
                const float* __restrict__ values, const uint32_t* __restrict__ perm, const float* __restrict__ B,
                const float* __restrict__ bias, bool relu, float* __restrict__ C, int G) {
  const int gl = threadIdx.x % G;
  const int64_t slot = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / G;
  const bool active = slot < M;
  const int64_t row = active ? (perm ? static_cast<int64_t>(perm[slot]) : slot) : 0;
  const int64_t p0 = active ? rowptr[row] : 0, p1 = active ? rowptr[row + 1] : 0;
  float acc = 0.0f;
  for (int64_t p = p0 + gl; p < p1; p += G) acc = fmaf(values[p], B[colidx[p]], acc);
  for (int off = G / 2; off > 0; off >>= 1) acc += __shfl_xor_sync(kFull, acc, off);  // all lanes arrive
  if (active && gl == 0) C[row] = epilogue(acc, bias ? bias[row] : 0.0f, relu);
}

template <int VEC, int NV>
void launch_spmm(dim3 grid, const CsrView& A, int64_t N, const uint32_t* perm, const float* B, const float* bias,
                 bool relu, float* C, int G) {
  spmm_kernel<VEC, NV>
      <<<grid, kThreads, 0, stream()>>>(A.rows, N, A.rowptr, A.colidx, A.values, perm, B, bias, relu, C, G);
  check_launch("csr_spmm spmm_kernel");
}

}  // namespace

void csr_spmm(const CsrView& A, int64_t N, const float* B, const float* bias, bool relu, float* C) {
  validate_csr(A, "csr_spmm");
  const int64_t M = A.rows;
  if (M == 0 || N <= 0) {
    finish("csr_spmm");
    return;
  }

  // Row order by decreasing length (stable: equal lengths keep ascending row order). Skipped when every row
  // is empty or there is one row.
  Scratch perm_buf(static_cast<size_t>(M) * sizeof(uint32_t));
  const uint32_t* perm = nullptr;
  if (M > 1 && A.nnz > 0) {
    Scratch keys_buf(2 * static_cast<size_t>(M) * sizeof(uint32_t)), ids_buf(static_cast<size_t>(M) * sizeof(uint32_t));
    uint32_t* keys_in = keys_buf.as<uint32_t>();
    uint32_t* keys_out = keys_in + M;
    uint32_t* ids = ids_buf.as<uint32_t>();
    row_len_kernel<<<grid_for(M, kThreads), kThreads, 0, stream()>>>(M, A.rowptr, keys_in, ids);
    check_launch("csr_spmm row_len_kernel");
    int end_bit = 0;  // lengths are <= nnz < 2^31
    while (end_bit < 32 && (static_cast<uint64_t>(A.nnz) >> end_bit) != 0) ++end_bit;
    const int items = static_cast<int>(M);
    size_t temp_bytes = 0;
    check(cub::DeviceRadixSort::SortPairsDescending(nullptr, temp_bytes, keys_in, keys_out, ids,
                                                    perm_buf.as<uint32_t>(), items, 0, end_bit, stream()),
          "cub::DeviceRadixSort::SortPairsDescending (size)");
    Scratch temp(temp_bytes);
    check(cub::DeviceRadixSort::SortPairsDescending(temp.as<void>(), temp_bytes, keys_in, keys_out, ids,
                                                    perm_buf.as<uint32_t>(), items, 0, end_bit, stream()),
          "cub::DeviceRadixSort::SortPairsDescending");
    perm = perm_buf.as<uint32_t>();
  }

  if (N == 1) {
    // Lanes per row fitted to the average row length.
    const int64_t avg = A.nnz / M;
    const int G = avg > 16 ? 32 : avg > 8 ? 16 : avg > 4 ? 8 : 4;
    const int64_t threads = M * G;
    const unsigned grid = static_cast<unsigned>((threads + kThreads - 1) / kThreads);
    spmv_kernel<<<grid, kThreads, 0, stream()>>>(M, A.rowptr, A.colidx, A.values, perm, B, bias, relu, C, G);
    check_launch("csr_spmm spmv_kernel");
    finish("csr_spmm");
    return;
  }

  const bool vec4 = N % 4 == 0 && aligned16(B) && aligned16(C);
  const int64_t VEC = vec4 ? 4 : 1;
  const int64_t nvec = (N + VEC - 1) / VEC;  // vector slots across a row of C
  int G = 1;
  while (G < 32 && G < nvec) G *= 2;
  const int NV = nvec <= 32 ? 1 : nvec <= 64 ? 2 : 4;
  const int64_t tile_w = static_cast<int64_t>(NV) * G * VEC;
  const int64_t rows_per_block = static_cast<int64_t>(kWarps) * (32 / G);
  dim3 grid(static_cast<unsigned>((M + rows_per_block - 1) / rows_per_block),
            static_cast<unsigned>(std::min<int64_t>((N + tile_w - 1) / tile_w, 65535)));
  if (vec4) {
    if (NV == 1) launch_spmm<4, 1>(grid, A, N, perm, B, bias, relu, C, G);
    else if (NV == 2) launch_spmm<4, 2>(grid, A, N, perm, B, bias, relu, C, G);
    else launch_spmm<4, 4>(grid, A, N, perm, B, bias, relu, C, G);
  } else {
    if (NV == 1) launch_spmm<1, 1>(grid, A, N, perm, B, bias, relu, C, G);
    else if (NV == 2) launch_spmm<1, 2>(grid, A, N, perm, B, bias, relu, C, G);
    else launch_spmm<1, 4>(grid, A, N, perm, B, bias, relu, C, G);
  }
  finish("csr_spmm");
}

}  // namespace lth::cuda
