// Masked dense layer on CUDA: y = x·(W⊙M)ᵀ + b (optionally ReLU) and its backward pass with the gradient of
// every pruned weight exactly 0 (definition: src/cpu/masked_dense.cpp, ref). All three products run on the
// tiled GEMM of gemm_kernel.cuh:
//   forward  y [B,Out]  = x [B,In] · Wᵀ        mask applied to W as its tiles are loaded; bias + ReLU in the epilogue
//   dx       dx [B,In]  = dy [B,Out] · W       mask applied to W as its tiles are loaded
//   dW       dW [Out,In] = dyᵀ · x [B,In]      mask applied in the epilogue (0 where pruned, even if dy·x is NaN)
//   db       db [Out]   = Σ_b dy[b, :]         column sums in double, fixed order (no atomics): deterministic
#include <cstdint>

#include "common.cuh"
#include "gemm.cuh"

namespace lth::cuda {

namespace {

constexpr int kColumns = 32;  // columns per block (one warp wide: coalesced row reads)
constexpr int kRowGroups = 8;  // rows are split over 8 warps, then added in warp order

// db[c] = Σ_r dy[r, c]: warp w sums rows w, w + 8, … of 32 columns; the 8 partial sums are added in order.
__global__ void __launch_bounds__(kColumns * kRowGroups)
    column_sum_kernel(int64_t rows, int64_t cols, const float* dy, float* db) {
  __shared__ double part[kRowGroups][kColumns + 1];
  const int tx = static_cast<int>(threadIdx.x) % kColumns, ty = static_cast<int>(threadIdx.x) / kColumns;
  for (int64_t c0 = static_cast<int64_t>(blockIdx.x) * kColumns; c0 < cols;
       c0 += static_cast<int64_t>(gridDim.x) * kColumns) {  // uniform across the block
    const int64_t c = c0 + tx;
    double s = 0.0;
    if (c < cols)
      for (int64_t r = ty; r < rows; r += kRowGroups) s += dy[r * cols + c];
    part[ty][tx] = s;
    __syncthreads();
    if (ty == 0 && c < cols) {
      double t = 0.0;
      for (int g = 0; g < kRowGroups; ++g) t += part[g][tx];
      db[c] = static_cast<float>(t);
    }
    __syncthreads();  // part is reused by the next column block
  }
}

}  // namespace

void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                          const float* bias, bool relu, float* y) {
  if (B == 0 || Out == 0) return;
  tiled::Problem p{};
  p.ta = false;
  p.tb = true;  // op(B) = Wᵀ, W stored [Out, In] = [N, K]
  p.M = B;
  p.N = Out;
  p.K = In;
  p.a = tiled::operand(x, nullptr, In);
  p.b = tiled::operand(W, mask, In);
  p.e = tiled::epilogue(1.0f, 0.0f, y, Out);
  p.e.bias = bias;
  p.e.relu = relu;
  tiled::enqueue(p, "masked_dense_forward");
  finish("masked_dense_forward");
}

void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                           const float* dy, float* dx, float* dW, float* db) {
  if (dx && B > 0 && In > 0) {
    tiled::Problem p{};
    p.M = B;
    p.N = In;
    p.K = Out;
    p.a = tiled::operand(dy, nullptr, Out);
    p.b = tiled::operand(W, mask, In);  // W stored [Out, In] = [K, N]
    p.e = tiled::epilogue(1.0f, 0.0f, dx, In);
    tiled::enqueue(p, "masked_dense_backward (dx)");
  }
  if (dW && Out > 0 && In > 0) {
    tiled::Problem p{};
    p.ta = true;  // op(A) = dyᵀ, dy stored [B, Out] = [K, M]
    p.M = Out;
    p.N = In;
    p.K = B;  // B == 0 gives dW = 0
    p.a = tiled::operand(dy, nullptr, Out);
    p.b = tiled::operand(x, nullptr, In);
    p.e = tiled::epilogue(1.0f, 0.0f, dW, In);
    p.e.cmask = mask;
    p.e.ldm = In;
    tiled::enqueue(p, "masked_dense_backward (dW)");
  }
  if (db && Out > 0) {
    const unsigned blocks = grid_for(Out, kColumns, 65535u * 8u);
    column_sum_kernel<<<blocks, kColumns * kRowGroups, 0, stream()>>>(B, Out, dy, db);
    check_launch("masked_dense_backward (db)");
  }
  finish("masked_dense_backward");
}

}  // namespace lth::cuda
