// 2-D convolution (NCHW, cross-correlation like PyTorch) with a weight mask, on CUDA: forward, gradient
// w.r.t. the input (backward data) and w.r.t. the weights and bias (backward filter). Definition:
// src/cpu/conv2d.cpp (namespace ref).
//
// All three products are implicit GEMMs on one tiled kernel (igemm below): no im2col buffer is ever
// materialised; each operand element is gathered from the tensors as its tile is loaded into shared
// memory (zero for padding / positions outside the range), through a small "op" struct that knows the
// index map of one product:
//   forward         y[K, N·P·Q]  = (w ⊙ mask)[K, C·R·S] · im2col(x)[C·R·S, N·P·Q]      (+ bias[k] in the epilogue)
//   backward data   dx[C, N·H·W] = (w ⊙ mask)ᵀ[C, K·R·S] · G(dy)[K·R·S, N·H·W]
//                   where G(dy)[(k,r,s), (n,h,w)] = dy[n,k,p,q] when h = p·sh − ph + r and w = q·sw − pw + s for
//                   an integer output (p,q) in range, else 0 (the transposed convolution written as a gather;
//                   with stride > 1 most of G is zero and is multiplied anyway: simple, not the fastest)
//   backward filter dw[K, C·R·S] = dy[K, N·P·Q] · im2col(x)ᵀ[N·P·Q, C·R·S]   (mask applied in the epilogue)
//                   The reduction N·P·Q is long and the output small, so it is split over grid.z into
//                   partial sums (scratch) added in a fixed order by a second kernel: deterministic.
//   db[k] = Σ_{n,pq} dy[n,k,pq]: one block per channel, double accumulation.
// The mask is applied to the weights as their tile is loaded (0 where pruned, whatever the weight holds).
//
// Tiling: 64×64 block tile, 256 threads, each thread a 4×4 micro-tile (rows ty·4+i, columns tx+16·j so that
// stores of a warp are contiguous), reduction step 16. Index decompositions run in 32-bit integers when every
// extent fits (the common case; integer division is much cheaper), else in 64-bit; memory offsets are
// always formed in 64-bit.
#include <algorithm>
#include <cstdint>

#include "../rng.h"  // LTH_HD
#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kBM = 64;        // rows of C per block (output channels / input channels)
constexpr int kBN = 64;        // columns of C per block
constexpr int kBK = 16;        // reduction step
constexpr int kThreads = 256;  // 16×16 threads, 4×4 outputs each

// ---- the three index maps --------------------------------------------------------------------------------
// Each op provides: a(m, e) = A[m, e]; col(j) = per-column state computed once per thread; b(col, e) = B[e, j];
// store(m, j, v, z) = write C[m, j] (z = split index). a and b are only called for m < M, j < Ncol, e < Kred.

template <typename I>
struct ConvFwdOp {      // M = K, Ncol = N·P·Q, Kred = C·R·S
  const float* x;       // [N,C,H,W]
  const float* w;       // [K,C,R,S]
  const uint8_t* mask;  // [K,C,R,S] or null
  const float* bias;    // [K] or null
  float* y;             // [N,K,P,Q]
  I C, H, W, K, S, RS, CRS, P, Q, PQ, sh, sw, ph, pw;

  struct Col {
    int64_t base;  // offset of image n in x
    I h0, w0;      // top-left input position of output (p, q)
  };
  LTH_HD float a(I m, I e) const {
    const int64_t i = static_cast<int64_t>(m) * CRS + e;
    return (mask && !mask[i]) ? 0.0f : w[i];
  }
  LTH_HD Col col(I j) const {
    const I n = j / PQ, pq = j - n * PQ, p = pq / Q, q = pq - p * Q;
    return {static_cast<int64_t>(n) * C * H * W, p * sh - ph, q * sw - pw};
  }
  LTH_HD float b(const Col& cl, I e) const {
    const I c = e / RS, rs = e - c * RS, r = rs / S, s = rs - r * S;
    const I h = cl.h0 + r, wi = cl.w0 + s;
    if (h < 0 || h >= H || wi < 0 || wi >= W) return 0.0f;
    return x[cl.base + (static_cast<int64_t>(c) * H + h) * W + wi];
  }
  LTH_HD void store(I m, I j, float v, unsigned) const {
    const I n = j / PQ, pq = j - n * PQ;
    y[(static_cast<int64_t>(n) * K + m) * PQ + pq] = v + (bias ? bias[m] : 0.0f);
  }
};

template <typename I>
struct ConvBwdDataOp {  // M = C, Ncol = N·H·W, Kred = K·R·S
  const float* dy;      // [N,K,P,Q]
  const float* w;       // [K,C,R,S]
  const uint8_t* mask;  // [K,C,R,S] or null
  float* dx;            // [N,C,H,W]
  I C, H, W, HW, K, S, RS, P, Q, PQ, sh, sw, ph, pw;

  struct Col {
    int64_t base;  // offset of image n in dy
    I hp, wq;      // h + ph, w + pw: output p contributes through filter row r when p·sh = hp − r
  };
  LTH_HD float a(I c, I e) const {  // (w ⊙ mask)[k, c, r, s] with e = k·RS + rs
    const I k = e / RS, rs = e - k * RS;
    const int64_t i = (static_cast<int64_t>(k) * C + c) * RS + rs;
    return (mask && !mask[i]) ? 0.0f : w[i];
  }
  LTH_HD Col col(I j) const {
    const I n = j / HW, hw = j - n * HW, h = hw / W, wi = hw - h * W;
    return {static_cast<int64_t>(n) * K * PQ, h + ph, wi + pw};
  }
  LTH_HD float b(const Col& cl, I e) const {
    const I k = e / RS, rs = e - k * RS, r = rs / S, s = rs - r * S;
    const I hh = cl.hp - r, ww = cl.wq - s;  // p·sh and q·sw
    if (hh < 0 || ww < 0) return 0.0f;
    const I p = hh / sh, q = ww / sw;
    if (p * sh != hh || q * sw != ww || p >= P || q >= Q) return 0.0f;
    return dy[cl.base + static_cast<int64_t>(k) * PQ + p * Q + q];
  }
  LTH_HD void store(I c, I j, float v, unsigned) const {
    const I n = j / HW, hw = j - n * HW;
    dx[(static_cast<int64_t>(n) * C + c) * HW + hw] = v;
  }
};

template <typename I>
struct ConvBwdFilterOp {  // M = K, Ncol = C·R·S, Kred = N·P·Q
  const float* x;         // [N,C,H,W]
  const float* dy;        // [N,K,P,Q]
  const uint8_t* mask;    // [K,C,R,S] or null (applied here only when not split)
  float* out;             // dw [K,C,R,S], or partial sums [splits][K·C·R·S] when split
  bool split;
  I C, H, W, HW, K, S, RS, CRS, P, Q, PQ, sh, sw, ph, pw;

  struct Col {
    int64_t coff;  // offset of channel c within an image of x
    I r, s;
  };
  LTH_HD float a(I k, I e) const {  // dy[n, k, pq] with e = n·PQ + pq
    const I n = e / PQ, pq = e - n * PQ;
    return dy[(static_cast<int64_t>(n) * K + k) * PQ + pq];
  }
  LTH_HD Col col(I j) const {
    const I c = j / RS, rs = j - c * RS, r = rs / S;
    return {static_cast<int64_t>(c) * HW, r, rs - r * S};
  }
  LTH_HD float b(const Col& cl, I e) const {  // x[n, c, p·sh − ph + r, q·sw − pw + s] with e = n·PQ + p·Q + q
    const I n = e / PQ, pq = e - n * PQ, p = pq / Q, q = pq - p * Q;
    const I h = p * sh - ph + cl.r, wi = q * sw - pw + cl.s;
    if (h < 0 || h >= H || wi < 0 || wi >= W) return 0.0f;
    return x[static_cast<int64_t>(n) * C * HW + cl.coff + static_cast<int64_t>(h) * W + wi];
  }
  LTH_HD void store(I k, I j, float v, unsigned z) const {
    const int64_t i = static_cast<int64_t>(k) * CRS + j;
    if (split) {
      out[static_cast<int64_t>(z) * K * CRS + i] = v;
    } else {
      out[i] = (mask && !mask[i]) ? 0.0f : v;
    }
  }
};

// ---- the tiled implicit-GEMM kernel ------------------------------------------------------------------------
// C[M, Ncol] = Σ_e A[M, e] · B[e, Ncol] over e in this block's reduction slice [z·kps, min(Kred, (z+1)·kps)).
// grid = (ceil(Ncol/64), ceil(M/64), splits).
template <class Op, typename I>
__global__ void __launch_bounds__(kThreads) igemm_kernel(Op op, I M, I Ncol, I Kred, I kps) {
  __shared__ __align__(16) float As[kBK][kBM + 4];  // As[e][m]; +4 keeps float4 alignment, halves store conflicts
  __shared__ __align__(16) float Bs[kBK][kBN];      // Bs[e][j]

  const int tid = static_cast<int>(threadIdx.x);
  const int tx = tid % 16, ty = tid / 16;  // compute: rows ty·4 + i, columns tx + 16·j
  const I m0 = static_cast<I>(blockIdx.y) * kBM;
  const I j0 = static_cast<I>(blockIdx.x) * kBN;
  const I kbeg = static_cast<I>(blockIdx.z) * kps;
  const I kend = (Kred - kbeg < kps) ? Kred : kbeg + kps;

  // Loaders. A: reduction index fastest across threads (weights / dy rows are contiguous along it);
  // rows a_m + 16·i. B: column fastest (consecutive output pixels are mostly consecutive in memory);
  // reduction rows b_k + 4·i, one fixed column per thread whose decomposition is computed once.
  const int a_k = tid % kBK, a_m = tid / kBK;
  const int b_j = tid % kBN, b_k = tid / kBN;
  const I jb = j0 + b_j;
  const bool b_ok = jb < Ncol;
  const typename Op::Col cl = op.col(b_ok ? jb : I(0));

  float acc[4][4];
#pragma unroll
  for (int i = 0; i < 4; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) acc[i][j] = 0.0f;

  for (I k0 = kbeg; k0 < kend; k0 += kBK) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const I m = m0 + a_m + 16 * i, e = k0 + a_k;
      As[a_k][a_m + 16 * i] = (m < M && e < kend) ? op.a(m, e) : 0.0f;
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const I e = k0 + b_k + 4 * i;
      Bs[b_k + 4 * i][b_j] = (b_ok && e < kend) ? op.b(cl, e) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kBK; ++kk) {
      const float4 a4 = *reinterpret_cast<const float4*>(&As[kk][ty * 4]);
      const float av[4] = {a4.x, a4.y, a4.z, a4.w};
      float bv[4];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = Bs[kk][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const I m = m0 + ty * 4 + i;
    if (m >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const I col = j0 + tx + 16 * j;
      if (col < Ncol) op.store(m, col, acc[i][j], blockIdx.z);
    }
  }
}

// Length of each reduction slice when Kred is cut into about `splits` slices: a multiple of the step.
int64_t slice_len(int64_t Kred, int64_t splits) {
  if (splits < 1) splits = 1;
  const int64_t kps = (Kred + splits - 1) / splits;
  return (kps + kBK - 1) / kBK * kBK;
}

// Number of slices of length kps covering Kred (1 when Kred == 0: one slice with an empty loop).
int64_t slice_count(int64_t Kred, int64_t kps) { return kps > 0 ? std::max<int64_t>(1, (Kred + kps - 1) / kps) : 1; }

// Launch C[M, Ncol] (grid.z = slice_count(Kred, kps) reduction slices of length kps).
template <class Op, typename I>
void launch_igemm(const Op& op, int64_t M, int64_t Ncol, int64_t Kred, int64_t kps, const char* name) {
  if (M == 0 || Ncol == 0) return;
  const int64_t splits = slice_count(Kred, kps);
  const int64_t gx = (Ncol + kBN - 1) / kBN, gy = (M + kBM - 1) / kBM;
  LTH_CHECK(gx <= 2147483647LL && gy <= 65535 && splits <= 65535, code::kShape, name,
            ": convolution too large for the CUDA kernel grid (", M, " x ", Ncol, ")");
  dim3 grid(static_cast<unsigned>(gx), static_cast<unsigned>(gy), static_cast<unsigned>(splits));
  igemm_kernel<Op, I><<<grid, kThreads, 0, stream()>>>(op, static_cast<I>(M), static_cast<I>(Ncol),
                                                       static_cast<I>(Kred), static_cast<I>(kps));
  check_launch(name);
}

// 32-bit index arithmetic is safe when every extent (and tile overrun past it) stays below 2^30.
bool fits32(const Conv2dGeom& g) {
  const int64_t lim = int64_t{1} << 30;
  const int64_t v[] = {g.N * g.P * g.Q,
                       g.N * g.H * g.W,
                       g.C * g.R * g.S,
                       g.K * g.R * g.S,
                       g.K * g.C * g.R * g.S,
                       g.H + 2 * g.pad_h,
                       g.W + 2 * g.pad_w,
                       g.P * g.stride_h,
                       g.Q * g.stride_w,
                       g.K,
                       g.C};
  for (int64_t x : v)
    if (x >= lim) return false;
  return true;
}

template <typename Op>
void fill_dims(Op& op, const Conv2dGeom& g) {
  using I = decltype(op.C);
  op.C = static_cast<I>(g.C);
  op.H = static_cast<I>(g.H);
  op.W = static_cast<I>(g.W);
  op.K = static_cast<I>(g.K);
  op.S = static_cast<I>(g.S);
  op.RS = static_cast<I>(g.R * g.S);
  op.P = static_cast<I>(g.P);
  op.Q = static_cast<I>(g.Q);
  op.PQ = static_cast<I>(g.P * g.Q);
  op.sh = static_cast<I>(g.stride_h);
  op.sw = static_cast<I>(g.stride_w);
  op.ph = static_cast<I>(g.pad_h);
  op.pw = static_cast<I>(g.pad_w);
}

template <typename I>
void forward_impl(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask, const float* bias,
                  float* y) {
  ConvFwdOp<I> op{};
  op.x = x;
  op.w = w;
  op.mask = mask;
  op.bias = bias;
  op.y = y;
  fill_dims(op, g);
  op.CRS = static_cast<I>(g.C * g.R * g.S);
  const int64_t Kred = g.C * g.R * g.S;
  launch_igemm<ConvFwdOp<I>, I>(op, g.K, g.N * g.P * g.Q, Kred, slice_len(Kred, 1), "conv2d_forward_igemm");
}

template <typename I>
void backward_data_impl(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask, float* dx) {
  ConvBwdDataOp<I> op{};
  op.dy = dy;
  op.w = w;
  op.mask = mask;
  op.dx = dx;
  fill_dims(op, g);
  op.HW = static_cast<I>(g.H * g.W);
  const int64_t Kred = g.K * g.R * g.S;
  launch_igemm<ConvBwdDataOp<I>, I>(op, g.C, g.N * g.H * g.W, Kred, slice_len(Kred, 1), "conv2d_backward_data_igemm");
}

int sm_count() {
  int dev = 0, n = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev), "cudaDeviceGetAttribute");
  return n > 0 ? n : 1;
}

// dw[i] = mask[i] ? Σ_z part[z][i] : 0, z ascending (deterministic).
__global__ void sum_splits_kernel(int64_t n, int64_t splits, const float* part, const uint8_t* mask, float* dw) {
  LTH_CUDA_FOR(i, n) {
    float s = 0.0f;
    for (int64_t z = 0; z < splits; ++z) s += part[z * n + i];
    dw[i] = (mask && !mask[i]) ? 0.0f : s;
  }
}

template <typename I>
void backward_filter_impl(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask, float* dw) {
  const int64_t CRS = g.C * g.R * g.S, KCRS = g.K * CRS, Kred = g.N * g.P * g.Q;
  ConvBwdFilterOp<I> op{};
  op.x = x;
  op.dy = dy;
  op.mask = mask;
  fill_dims(op, g);
  op.HW = static_cast<I>(g.H * g.W);
  op.CRS = static_cast<I>(CRS);
  // Split the reduction so that about 4 blocks per SM run, each slice at least 512 long.
  const int64_t tiles = ((g.K + kBM - 1) / kBM) * ((CRS + kBN - 1) / kBN);
  const int64_t target = 4 * static_cast<int64_t>(sm_count());
  int64_t splits = std::min<int64_t>((target + tiles - 1) / tiles, (Kred + 511) / 512);
  splits = std::max<int64_t>(1, std::min<int64_t>(splits, 1024));
  const int64_t kps = slice_len(Kred, splits);
  splits = slice_count(Kred, kps);
  if (splits == 1) {
    op.out = dw;
    op.split = false;
    launch_igemm<ConvBwdFilterOp<I>, I>(op, g.K, CRS, Kred, kps, "conv2d_backward_filter_igemm");
    return;
  }
  Scratch part(static_cast<size_t>(splits * KCRS) * sizeof(float));
  op.out = part.as<float>();
  op.split = true;
  launch_igemm<ConvBwdFilterOp<I>, I>(op, g.K, CRS, Kred, kps, "conv2d_backward_filter_igemm");
  sum_splits_kernel<<<grid_for(KCRS, 256), 256, 0, stream()>>>(KCRS, splits, part.as<float>(), mask, dw);
  check_launch("conv2d_backward_filter_sum_splits");
}

// db[k] = Σ_n Σ_pq dy[n, k, pq]: one block per channel (grid-stride over channels), double sums.
constexpr int kDbThreads = 256;
__global__ void __launch_bounds__(kDbThreads)
    bias_grad_kernel(int64_t N, int64_t K, int64_t PQ, const float* dy, float* db) {
  __shared__ double part[kDbThreads / 32];
  for (int64_t k = blockIdx.x; k < K; k += gridDim.x) {
    double acc = 0.0;
    for (int64_t n = 0; n < N; ++n) {
      const float* row = dy + (n * K + k) * PQ;
      for (int64_t i = threadIdx.x; i < PQ; i += blockDim.x) acc += row[i];
    }
    for (int off = 16; off > 0; off >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, off);
    if (threadIdx.x % 32 == 0) part[threadIdx.x / 32] = acc;
    __syncthreads();
    if (threadIdx.x == 0) {
      double s = 0.0;
      for (int i = 0; i < kDbThreads / 32; ++i) s += part[i];
      db[k] = static_cast<float>(s);
    }
    __syncthreads();  // part is reused by the next channel
  }
}

}  // namespace

void conv2d_forward(const Conv2dGeom& g, const float* x, const float* w, const uint8_t* mask, const float* bias,
                    float* y) {
  if (g.N == 0 || g.K == 0 || g.P * g.Q == 0) return;
  if (fits32(g)) {
    forward_impl<int32_t>(g, x, w, mask, bias, y);
  } else {
    forward_impl<int64_t>(g, x, w, mask, bias, y);
  }
  finish("conv2d_forward");
}

void conv2d_backward_data(const Conv2dGeom& g, const float* dy, const float* w, const uint8_t* mask, float* dx) {
  if (g.N == 0 || g.C == 0 || g.H * g.W == 0) return;
  if (fits32(g)) {
    backward_data_impl<int32_t>(g, dy, w, mask, dx);
  } else {
    backward_data_impl<int64_t>(g, dy, w, mask, dx);
  }
  finish("conv2d_backward_data");
}

void conv2d_backward_filter(const Conv2dGeom& g, const float* x, const float* dy, const uint8_t* mask, float* dw,
                            float* db) {
  const int64_t KCRS = g.K * g.C * g.R * g.S;
  if (KCRS > 0) {
    if (g.N == 0 || g.P * g.Q == 0) {
      check(cudaMemsetAsync(dw, 0, static_cast<size_t>(KCRS) * sizeof(float), stream()), "cudaMemsetAsync (dw)");
    } else if (fits32(g)) {
      backward_filter_impl<int32_t>(g, x, dy, mask, dw);
    } else {
      backward_filter_impl<int64_t>(g, x, dy, mask, dw);
    }
  }
  if (db && g.K > 0) {
    bias_grad_kernel<<<grid_for(g.K, 1, 65535u * 4u), kDbThreads, 0, stream()>>>(g.N, g.K, g.P * g.Q, dy, db);
    check_launch("conv2d_bias_grad");
  }
  finish("conv2d_backward_filter");
}

}  // namespace lth::cuda
