// CSR ops on the GPU: dense_nnz, dense_to_csr, csr_to_dense, csr_spmm. Output structure and values are
// bit-identical to the CPU's (src/cpu/csr_convert.cpp); the product matches within fp32 rounding.
//
// Structure of a dense matrix: mask != 0 when a mask is given (explicit zeros in W are then stored), else
// W != 0 (-0.0 counts as zero, NaN as nonzero).
//
// dense_nnz     grid-stride count (float4 loads of W when aligned; with a mask, mask_count.cuh).
// dense_to_csr  one warp per row: per-row counts (warp reduction) → CUB inclusive scan over [rows + 1]
//               (64-bit, checked against 2^31 − 1 like the CPU) → rowptr; then each warp compacts its row
//               32 columns at a time with a ballot, so column indices ascend within a row.
// csr_to_dense  W zeroed with a memset, then one warp per row scatters its nonzeros.
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
#include "mask_count.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr unsigned kFull = 0xffffffffu;

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// Global warp id and warp count of a 1-D launch (warp-uniform).
__device__ __forceinline__ int64_t warp_id() {
  return (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5;
}
__device__ __forceinline__ int64_t warp_count() { return (static_cast<int64_t>(gridDim.x) * blockDim.x) >> 5; }

// ---- CSR validation ------------------------------------------------------------------------------------

struct CsrCheck {
  long long first, last;  // rowptr[0], rowptr[rows]
  long long dec_row;      // first i with rowptr[i+1] < rowptr[i] (LLONG_MAX: none)
  long long bad_pos;      // first p with colidx[p] outside [0, cols) (LLONG_MAX: none)
};

__global__ void __launch_bounds__(kThreads) check_csr_kernel(int64_t rows, int64_t cols, int64_t nnz,
                                                             const int32_t* rowptr, const int32_t* colidx,
                                                             CsrCheck* res) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    res->first = rowptr[0];
    res->last = rowptr[rows];
  }
  const int64_t n = rows > nnz ? rows : nnz;
  LTH_CUDA_FOR(i, n) {
    if (i < rows && rowptr[i + 1] < rowptr[i]) atomicMin(&res->dec_row, static_cast<long long>(i));
    if (i < nnz) {
      const int32_t c = colidx[i];
      if (c < 0 || c >= cols) atomicMin(&res->bad_pos, static_cast<long long>(i));
    }
  }
}

// Throws ERR_ARG like the CPU's check_csr_rowptr / bad_csr_column (rowptr first, then the first bad column
// in row order).
void validate_csr(const CsrView& A, const char* op) {
  LTH_CHECK(A.rows >= 0 && A.cols >= 0 && A.nnz >= 0, code::kArg, op, ": negative CSR dimensions");
  const CsrCheck init{0, 0, LLONG_MAX, LLONG_MAX};
  Scratch buf(sizeof(CsrCheck));
  CsrCheck* res = buf.as<CsrCheck>();
  copy_to_device(res, &init, sizeof init);
  check_csr_kernel<<<grid_for(std::max(A.rows, A.nnz), kThreads, 4096), kThreads, 0, stream()>>>(
      A.rows, A.cols, A.nnz, A.rowptr, A.colidx, res);
  check_launch("check_csr_kernel");
  CsrCheck got{};
  copy_to_host(&got, res, sizeof got);  // waits
  LTH_CHECK(got.first == 0, code::kArg, op, ": CSR rowptr[0] must be 0, got ", got.first);
  LTH_CHECK(got.last == A.nnz, code::kArg, op, ": CSR rowptr[rows] = ", got.last, " must equal nnz ", A.nnz);
  if (got.dec_row != LLONG_MAX) fail(code::kArg, op, ": CSR rowptr decreases at row ", got.dec_row);
  if (got.bad_pos != LLONG_MAX) {
    // Error path only: find the row of the bad entry on the host (rowptr is valid by now).
    std::vector<int32_t> rp(static_cast<size_t>(A.rows) + 1);
    copy_to_host(rp.data(), A.rowptr, rp.size() * sizeof(int32_t));
    int32_t col = 0;
    copy_to_host(&col, A.colidx + got.bad_pos, sizeof col);
    const int64_t row = std::upper_bound(rp.begin(), rp.end(), got.bad_pos) - rp.begin() - 1;
    fail(code::kArg, op, ": CSR column index ", col, " in row ", row, " is outside [0, ", A.cols, ")");
  }
}

// ---- counting ------------------------------------------------------------------------------------------

// *total += number of W entries != 0 (-0 is zero, NaN nonzero). vec: W 16-byte aligned.
__global__ void __launch_bounds__(kThreads) count_w_kernel(int64_t n, const float* W, bool vec,
                                                           unsigned long long* total) {
  using Reduce = cub::BlockReduce<long long, kThreads>;
  __shared__ typename Reduce::TempStorage tmp;
  long long k = 0;
  int64_t done = 0;
  if (vec) {
    const int64_t n4 = n / 4;
    const float4* v = reinterpret_cast<const float4*>(W);
    LTH_CUDA_FOR(i, n4) {
      const float4 q = v[i];
      k += (q.x != 0.0f) + (q.y != 0.0f) + (q.z != 0.0f) + (q.w != 0.0f);
    }
    done = n4 * 4;
  }
  for (int64_t i = done + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)
    k += W[i] != 0.0f;
  const long long sum = Reduce(tmp).Sum(k);
  if (threadIdx.x == 0 && sum) atomicAdd(total, static_cast<unsigned long long>(sum));
}

// counts[row + 1] = structural nonzeros of the row (counts[0] is left as zeroed). One warp per row.
__global__ void __launch_bounds__(kThreads) row_count_kernel(int64_t rows, int64_t cols, const float* W,
                                                             const uint8_t* mask, long long* counts) {
  const int lane = threadIdx.x & 31;
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {  // warp-uniform
    long long k = 0;
    if (mask) {
      const uint8_t* m = mask + row * cols;
      for (int64_t j = lane; j < cols; j += 32) k += m[j] != 0;
    } else {
      const float* w = W + row * cols;
      for (int64_t j = lane; j < cols; j += 32) k += w[j] != 0.0f;
    }
    for (int off = 16; off > 0; off >>= 1) k += __shfl_xor_sync(kFull, k, off);
    if (lane == 0) counts[row + 1] = k;
  }
}

// rowptr[i] = offsets[i] for i <= rows; row i's entries go to [offsets[i], offsets[i+1]) in column order.
// One warp per row, 32 columns per step: a ballot of the kept lanes gives each its slot.
__global__ void __launch_bounds__(kThreads) fill_csr_kernel(int64_t rows, int64_t cols, const float* W,
                                                            const uint8_t* mask, const long long* offsets,
                                                            int32_t* rowptr, int32_t* colidx, float* values) {
  const int lane = threadIdx.x & 31;
  if (blockIdx.x == 0 && threadIdx.x == 0) rowptr[rows] = static_cast<int32_t>(offsets[rows]);
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {  // warp-uniform
    int64_t base = offsets[row];
    if (lane == 0) rowptr[row] = static_cast<int32_t>(base);
    const float* w = W + row * cols;
    const uint8_t* m = mask ? mask + row * cols : nullptr;
    for (int64_t j0 = 0; j0 < cols; j0 += 32) {  // warp-uniform
      const int64_t j = j0 + lane;
      const bool in = j < cols;
      const float v = in ? w[j] : 0.0f;
      const bool keep = in && (m ? m[j] != 0 : v != 0.0f);
      const unsigned ballot = __ballot_sync(kFull, keep);
      if (keep) {
        const int64_t pos = base + __popc(ballot & ((1u << lane) - 1u));
        colidx[pos] = static_cast<int32_t>(j);
        values[pos] = v;
      }
      base += __popc(ballot);
    }
  }
}

// W[row, colidx[p]] = values[p]; W already zeroed. One warp per row.
__global__ void __launch_bounds__(kThreads) scatter_csr_kernel(int64_t rows, int64_t cols, const int32_t* rowptr,
                                                               const int32_t* colidx, const float* values, float* W) {
  const int lane = threadIdx.x & 31;
  for (int64_t row = warp_id(); row < rows; row += warp_count()) {
    const int64_t p1 = rowptr[row + 1];
    float* w = W + row * cols;
    for (int64_t p = rowptr[row] + lane; p < p1; p += 32) w[colidx[p]] = values[p];
  }
}

// ---- SpMM ----------------------------------------------------------------------------------------------

__global__ void __launch_bounds__(kThreads) row_len_kernel(int64_t rows, const int32_t* rowptr, uint32_t* len,
                                                           uint32_t* ids) {
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
__global__ void __launch_bounds__(kThreads) spmm_kernel(int64_t M, int64_t N, const int32_t* __restrict__ rowptr,
                                                        const int32_t* __restrict__ colidx,
                                                        const float* __restrict__ values,
                                                        const uint32_t* __restrict__ perm, const float* __restrict__ B,
                                                        const float* __restrict__ bias, bool relu,
                                                        float* __restrict__ C, int G) {
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
                make_float4(epilogue(acc[v][0], b0, relu), epilogue(acc[v][1], b0, relu),
                            epilogue(acc[v][2], b0, relu), epilogue(acc[v][3], b0, relu));
          } else {
            c[j] = epilogue(acc[v][0], b0, relu);
          }
        }
      }
    }
  }
}

// N == 1: G lanes per row split its nonzeros, then a shuffle reduction within the group.
__global__ void __launch_bounds__(kThreads) spmv_kernel(int64_t M, const int32_t* __restrict__ rowptr,
                                                        const int32_t* __restrict__ colidx,
                                                        const float* __restrict__ values,
                                                        const uint32_t* __restrict__ perm, const float* __restrict__ B,
                                                        const float* __restrict__ bias, bool relu,
                                                        float* __restrict__ C, int G) {
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
  spmm_kernel<VEC, NV><<<grid, kThreads, 0, stream()>>>(A.rows, N, A.rowptr, A.colidx, A.values, perm, B, bias, relu,
                                                        C, G);
  check_launch("csr_spmm spmm_kernel");
}

}  // namespace

int64_t dense_nnz(int64_t rows, int64_t cols, const float* W, const uint8_t* mask) {
  const int64_t n = rows * cols;
  if (n <= 0) return 0;
  if (mask) return mask_count(n, mask, "dense_nnz");
  const bool vec = aligned16(W);
  Scratch total_buf(sizeof(unsigned long long));
  unsigned long long* total = total_buf.as<unsigned long long>();
  check(cudaMemsetAsync(total, 0, sizeof *total, stream()), "cudaMemsetAsync (dense_nnz)");
  count_w_kernel<<<grid_for(vec ? n / 4 + 1 : n, kThreads, 4096), kThreads, 0, stream()>>>(n, W, vec, total);
  check_launch("dense_nnz count_w_kernel");
  unsigned long long k = 0;
  copy_to_host(&k, total, sizeof k);  // waits
  finish("dense_nnz");
  return static_cast<int64_t>(k);
}

void dense_to_csr(int64_t rows, int64_t cols, const float* W, const uint8_t* mask, int32_t* rowptr, int32_t* colidx,
                  float* values) {
  if (rows <= 0) {
    check(cudaMemsetAsync(rowptr, 0, sizeof(int32_t), stream()), "cudaMemsetAsync (dense_to_csr rowptr)");
    finish("dense_to_csr");
    return;
  }
  const size_t n1 = static_cast<size_t>(rows) + 1;
  Scratch counts_buf(n1 * sizeof(long long)), offsets_buf(n1 * sizeof(long long));
  long long* counts = counts_buf.as<long long>();
  long long* offsets = offsets_buf.as<long long>();
  check(cudaMemsetAsync(counts, 0, n1 * sizeof(long long), stream()), "cudaMemsetAsync (dense_to_csr counts)");
  const unsigned row_grid = grid_for(rows, kWarps);  // one warp per row
  row_count_kernel<<<row_grid, kThreads, 0, stream()>>>(rows, cols, W, mask, counts);
  check_launch("dense_to_csr row_count_kernel");
  // offsets[i] = Σ counts[0..i] = nonzeros of rows < i (counts[0] = 0).
  size_t temp_bytes = 0;
  check(cub::DeviceScan::InclusiveSum(nullptr, temp_bytes, counts, offsets, static_cast<int64_t>(n1), stream()),
        "cub::DeviceScan::InclusiveSum (size)");
  {
    Scratch temp(temp_bytes);
    check(cub::DeviceScan::InclusiveSum(temp.as<void>(), temp_bytes, counts, offsets, static_cast<int64_t>(n1),
                                        stream()),
          "cub::DeviceScan::InclusiveSum");
  }
  long long total = 0;
  copy_to_host(&total, offsets + rows, sizeof total);  // waits
  LTH_CHECK(total <= INT32_MAX, code::kArg, "dense_to_csr: more than 2^31-1 nonzeros");
  fill_csr_kernel<<<row_grid, kThreads, 0, stream()>>>(rows, cols, W, mask, offsets, rowptr, colidx, values);
  check_launch("dense_to_csr fill_csr_kernel");
  finish("dense_to_csr");
}

void csr_to_dense(const CsrView& A, float* W) {
  validate_csr(A, "csr_to_dense");
  const int64_t n = A.rows * A.cols;
  if (n > 0) {
    check(cudaMemsetAsync(W, 0, static_cast<size_t>(n) * sizeof(float), stream()), "cudaMemsetAsync (csr_to_dense)");
    if (A.nnz > 0) {
      scatter_csr_kernel<<<grid_for(A.rows, kWarps), kThreads, 0, stream()>>>(A.rows, A.cols, A.rowptr, A.colidx,
                                                                              A.values, W);
      check_launch("csr_to_dense scatter_csr_kernel");
    }
  }
  finish("csr_to_dense");
}

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
