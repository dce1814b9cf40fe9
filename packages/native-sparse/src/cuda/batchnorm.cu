// Batch normalisation over x [N,C,HW] per channel C on CUDA, with PyTorch semantics (definition:
// src/cpu/batchnorm.cpp, namespace ref): training normalises with the biased batch variance and updates
// running_var with the unbiased one ((1 − momentum)·old + momentum·batch); evaluation uses the running
// statistics. gamma/beta may be null (1 and 0), running stats may be null, save_mean/save_invstd may be
// null; in the backward pass dx, dgamma, dbeta may each be null.
//
// Training and backward: one block per channel (grid-stride over channels), each thread summing a strided
// share of the channel's N·HW elements in double, then a fixed-shape block reduction (deterministic). The
// training statistics are two-pass (mean, then Σ(x − mean)²), so the variance is exact to double rounding
// whatever the offset of the data; the normalisation and dx are evaluated in double per element, like ref.
// Evaluation: a per-channel coefficient kernel, then an elementwise kernel.
#include <cmath>
#include <cstdint>

#include "common.cuh"

namespace lth::cuda {

namespace {

constexpr int kThreads = 256;  // block size of the per-channel kernels (block_sum2 assumes it)
constexpr int kWarps = kThreads / 32;

// Sum a and b over the block; every thread gets the totals. Called by all threads of the block.
__device__ void block_sum2(double& a, double& b) {
  __shared__ double sa[kWarps], sb[kWarps];
  const int lane = static_cast<int>(threadIdx.x % 32), warp = static_cast<int>(threadIdx.x / 32);
  for (int off = 16; off > 0; off >>= 1) {
    a += __shfl_down_sync(0xffffffffu, a, off);
    b += __shfl_down_sync(0xffffffffu, b, off);
  }
  if (lane == 0) {
    sa[warp] = a;
    sb[warp] = b;
  }
  __syncthreads();
  if (warp == 0) {
    a = lane < kWarps ? sa[lane] : 0.0;
    b = lane < kWarps ? sb[lane] : 0.0;
    for (int off = 16; off > 0; off >>= 1) {
      a += __shfl_down_sync(0xffffffffu, a, off);
      b += __shfl_down_sync(0xffffffffu, b, off);
    }
    if (lane == 0) {
      sa[0] = a;
      sb[0] = b;
    }
  }
  __syncthreads();
  a = sa[0];
  b = sb[0];
  __syncthreads();  // sa/sb are reused by the next call
}

// Flat offset of element t (t = n·HW + j) of channel c.
__device__ __forceinline__ int64_t offset_of(int64_t t, int64_t c, int64_t C, int64_t HW) {
  const int64_t n = t / HW, j = t - n * HW;
  return (n * C + c) * HW + j;
}

__global__ void __launch_bounds__(kThreads)
    bn_train_kernel(int64_t N, int64_t C, int64_t HW, float eps, float momentum, const float* x, const float* gamma,
                    const float* beta, float* running_mean, float* running_var, float* y, float* save_mean,
                    float* save_invstd) {
  const int64_t M = N * HW;
  for (int64_t c = blockIdx.x; c < C; c += gridDim.x) {  // uniform across the block
    double sum = 0.0, unused = 0.0;
    for (int64_t t = threadIdx.x; t < M; t += blockDim.x) sum += x[offset_of(t, c, C, HW)];
    block_sum2(sum, unused);
    const double mean = M > 0 ? sum / static_cast<double>(M) : 0.0;
    double sq = 0.0;
    unused = 0.0;
    for (int64_t t = threadIdx.x; t < M; t += blockDim.x) {
      const double d = x[offset_of(t, c, C, HW)] - mean;
      sq += d * d;
    }
    block_sum2(sq, unused);
    const double var = M > 0 ? sq / static_cast<double>(M) : 0.0;
    const double invstd = 1.0 / sqrt(var + static_cast<double>(eps));
    const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
    for (int64_t t = threadIdx.x; t < M; t += blockDim.x) {
      const int64_t i = offset_of(t, c, C, HW);
      y[i] = static_cast<float>((x[i] - mean) * invstd * gm + bt);
    }
    if (threadIdx.x == 0) {
      if (save_mean) save_mean[c] = static_cast<float>(mean);
      if (save_invstd) save_invstd[c] = static_cast<float>(invstd);
      if (running_mean) running_mean[c] = static_cast<float>((1.0 - momentum) * running_mean[c] + momentum * mean);
      if (running_var) {
        const double unbiased = M > 1 ? sq / static_cast<double>(M - 1) : var;
        running_var[c] = static_cast<float>((1.0 - momentum) * running_var[c] + momentum * unbiased);
      }
    }
  }
}

// Per channel: k = invstd·gamma, the running mean and beta, for y = (x − mean)·k + beta.
struct EvalCoef {
  double k, mean, beta;
};

__global__ void bn_eval_coef_kernel(int64_t C, float eps, const float* gamma, const float* beta,
                                    const float* running_mean, const float* running_var, EvalCoef* coef) {
  LTH_CUDA_FOR(c, C) {
    const double invstd = 1.0 / sqrt(static_cast<double>(running_var[c]) + eps);
    const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
    coef[c] = {invstd * gm, static_cast<double>(running_mean[c]), bt};
  }
}

__global__ void bn_eval_kernel(int64_t n, int64_t C, int64_t HW, const float* x, const EvalCoef* coef, float* y) {
  LTH_CUDA_FOR(i, n) {
    const EvalCoef k = coef[(i / HW) % C];
    y[i] = static_cast<float>((x[i] - k.mean) * k.k + k.beta);
  }
}

__global__ void __launch_bounds__(kThreads)
    bn_backward_kernel(int64_t N, int64_t C, int64_t HW, const float* x, const float* gamma, const float* save_mean,
                       const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  const int64_t M = N * HW;
  for (int64_t c = blockIdx.x; c < C; c += gridDim.x) {  // uniform across the block
    const double mean = save_mean[c], invstd = save_invstd[c];
    double sdy = 0.0, sdyx = 0.0;  // Σ dy, Σ dy·(x − mean)
    for (int64_t t = threadIdx.x; t < M; t += blockDim.x) {
      const int64_t i = offset_of(t, c, C, HW);
      const double g = dy[i];
      sdy += g;
      sdyx += g * (x[i] - mean);
    }
    block_sum2(sdy, sdyx);
    if (threadIdx.x == 0) {
      if (dbeta) dbeta[c] = static_cast<float>(sdy);
      if (dgamma) dgamma[c] = static_cast<float>(sdyx * invstd);
    }
    if (dx && M > 0) {
      // dx = gamma·invstd·(dy − Σdy/M − xhat·Σ(dy·xhat)/M), xhat = (x − mean)·invstd
      const double gm = gamma ? gamma[c] : 1.0;
      const double k1 = gm * invstd, k2 = gm * invstd * invstd * invstd * sdyx / static_cast<double>(M),
                   k3 = gm * invstd * sdy / static_cast<double>(M);
      for (int64_t t = threadIdx.x; t < M; t += blockDim.x) {
        const int64_t i = offset_of(t, c, C, HW);
        dx[i] = static_cast<float>(k1 * dy[i] - k2 * (x[i] - mean) - k3);
      }
    }
  }
}

unsigned channel_blocks(int64_t C) { return grid_for(C, 1, 65535u * 8u); }

}  // namespace

void batchnorm_forward_train(int64_t N, int64_t C, int64_t HW, float eps, float momentum, const float* x,
                             const float* gamma, const float* beta, float* running_mean, float* running_var, float* y,
                             float* save_mean, float* save_invstd) {
  if (C == 0) return;
  bn_train_kernel<<<channel_blocks(C), kThreads, 0, stream()>>>(N, C, HW, eps, momentum, x, gamma, beta, running_mean,
                                                                running_var, y, save_mean, save_invstd);
  check_launch("batchnorm_forward_train");
  finish("batchnorm_forward_train");
}

void batchnorm_forward_eval(int64_t N, int64_t C, int64_t HW, float eps, const float* x, const float* gamma,
                            const float* beta, const float* running_mean, const float* running_var, float* y) {
  const int64_t n = N * C * HW;
  if (n == 0) return;
  Scratch coef(static_cast<size_t>(C) * sizeof(EvalCoef));
  bn_eval_coef_kernel<<<grid_for(C, 128), 128, 0, stream()>>>(C, eps, gamma, beta, running_mean, running_var,
                                                              coef.as<EvalCoef>());
  check_launch("batchnorm_forward_eval_coef");
  bn_eval_kernel<<<grid_for(n, 256), 256, 0, stream()>>>(n, C, HW, x, coef.as<EvalCoef>(), y);
  check_launch("batchnorm_forward_eval");
  finish("batchnorm_forward_eval");
}

void batchnorm_backward(int64_t N, int64_t C, int64_t HW, const float* x, const float* gamma, const float* save_mean,
                        const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  if (C == 0 || (!dx && !dgamma && !dbeta)) return;
  bn_backward_kernel<<<channel_blocks(C), kThreads, 0, stream()>>>(N, C, HW, x, gamma, save_mean, save_invstd, dy, dx,
                                                                   dgamma, dbeta);
  check_launch("batchnorm_backward");
  finish("batchnorm_backward");
}

}  // namespace lth::cuda
