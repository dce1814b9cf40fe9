// Masked dense layer on CUDA: y = x·(W⊙M)ᵀ + b (optionally ReLU) and its backward pass with the gradient of
// every pruned weight exactly 0 (definition: src/cpu/masked_dense.cpp, ref), for one network or T trials at
// once (masked_dense_batched.cu: the same code with T > 1). All three products run on the tiled GEMM of
// gemm_kernel.cuh, each as ONE launch for all trials (grid y = trial; every decision the GEMM makes is the
// single problem's, so trial t gets the bits of the unbatched op on its slices):
//   forward  y [B,Out]  = x [B,In] · Wᵀ        mask applied to W as its tiles are loaded; bias + ReLU in the epilogue
//   dx       dx [B,In]  = dy [B,Out] · W       mask applied to W as its tiles are loaded
//   dW       dW [Out,In] = dyᵀ · x [B,In]      mask applied in the epilogue (0 where pruned, even if dy·x is NaN)
//   db       db [Out]   = Σ_b dy[b, :]         column sums in double, fixed order (no atomics): deterministic
#include <algorithm>
#include <cstdint>
#include <string>

#include "common.cuh"
#include "gemm.cuh"
#include "masked_dense.cuh"

namespace lth::cuda {

namespace {

constexpr int kColumns = 32;   // columns per block (one warp wide: coalesced row reads)
constexpr int kRowGroups = 8;  // rows are split over 8 warps, then added in warp order
constexpr int64_t kMaxGridY = 65535;

// db[t][c] = Σ_r dy[t][r, c] for trial t = first + blockIdx.y: warp w sums rows w, w + 8, … of 32 columns and
// the 8 partial sums are added in order.
__global__ void __launch_bounds__(kColumns* kRowGroups)
    column_sum_kernel(int64_t first, int64_t rows, int64_t cols, const float* dy, float* db) {
  __shared__ double part[kRowGroups][kColumns + 1];
  const int64_t t = first + static_cast<int64_t>(blockIdx.y);
  dy += t * rows * cols;
  db += t * cols;
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
      double sum = 0.0;
      for (int g = 0; g < kRowGroups; ++g) sum += part[g][tx];
      db[c] = static_cast<float>(sum);
    }
    __syncthreads();  // part is reused by the next column block
  }
}

}  // namespace

namespace dense {

void enqueue_forward(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                     const float* W, const uint8_t* mask, const float* bias, bool relu, float* y, const char* op) {
  if (T == 0 || B == 0 || Out == 0) return;
  tiled::Problem p{};
  p.ta = false;
  p.tb = true;  // op(B) = Wᵀ, W stored [Out, In] = [N, K]
  p.M = B;
  p.N = Out;
  p.K = In;
  p.batch = T;
  p.a = tiled::operand(x, nullptr, In);
  p.a.batch_stride = x_trial_stride;
  p.b = tiled::operand(W, mask, In);
  p.b.batch_stride = Out * In;
  p.e = tiled::epilogue(1.0f, 0.0f, y, Out);
  p.e.c_stride = B * Out;
  p.e.bias = bias;
  p.e.bias_stride = Out;
  p.e.relu = relu;
  tiled::enqueue(p, op);
}

void enqueue_backward(int64_t T, int64_t B, int64_t In, int64_t Out, const float* x, int64_t x_trial_stride,
                      const float* W, const uint8_t* mask, const float* dy, float* dx, float* dW, float* db,
                      const char* op) {
  if (T == 0) return;
  if (dx && B > 0 && In > 0) {
    tiled::Problem p{};
    p.M = B;
    p.N = In;
    p.K = Out;
    p.batch = T;
    p.a = tiled::operand(dy, nullptr, Out);
    p.a.batch_stride = B * Out;
    p.b = tiled::operand(W, mask, In);  // W stored [Out, In] = [K, N]
    p.b.batch_stride = Out * In;
    p.e = tiled::epilogue(1.0f, 0.0f, dx, In);
    p.e.c_stride = B * In;
    tiled::enqueue(p, (std::string(op) + " (dx)").c_str());
  }
  if (dW && Out > 0 && In > 0) {
    tiled::Problem p{};
    p.ta = true;  // op(A) = dyᵀ, dy stored [B, Out] = [K, M]
    p.M = Out;
    p.N = In;
    p.K = B;  // B == 0 gives dW = 0
    p.batch = T;
    p.a = tiled::operand(dy, nullptr, Out);
    p.a.batch_stride = B * Out;
    p.b = tiled::operand(x, nullptr, In);
    p.b.batch_stride = x_trial_stride;
    p.e = tiled::epilogue(1.0f, 0.0f, dW, In);
    p.e.c_stride = Out * In;
    p.e.cmask = mask;
    p.e.ldm = In;
    p.e.cmask_stride = Out * In;
    tiled::enqueue(p, (std::string(op) + " (dW)").c_str());
  }
  if (db && Out > 0) {
    const unsigned blocks = grid_for(Out, kColumns, 65535u * 8u);
    for (int64_t first = 0; first < T; first += kMaxGridY) {
      const dim3 grid(blocks, static_cast<unsigned>(std::min(kMaxGridY, T - first)));
      column_sum_kernel<<<grid, kColumns * kRowGroups, 0, stream()>>>(first, B, Out, dy, db);
      check_launch((std::string(op) + " (db)").c_str());
    }
  }
}

}  // namespace dense

void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                          const float* bias, bool relu, float* y) {
  dense::enqueue_forward(1, B, In, Out, x, 0, W, mask, bias, relu, y, "masked_dense_forward");
  finish("masked_dense_forward");
}

void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W, const uint8_t* mask,
                           const float* dy, float* dx, float* dW, float* db) {
  dense::enqueue_backward(1, B, In, Out, x, 0, W, mask, dy, dx, dW, db, "masked_dense_backward");
  finish("masked_dense_backward");
}

}  // namespace lth::cuda
