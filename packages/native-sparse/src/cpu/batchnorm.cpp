// Batch normalisation over x [N,C,HW] per channel C, on the CPU, with PyTorch semantics: training
// normalises with the biased batch variance and updates running_var with the unbiased one
// ((1 − momentum)·old + momentum·batch); evaluation uses the running statistics. gamma/beta may be null
// (1 and 0), running stats may be null (not tracked), save_mean/save_invstd may be null (not kept);
// in the backward pass dx, dgamma, dbeta may each be null (skipped).
//
// The fast kernels run parallel over channels; each channel's arithmetic is the same whatever the thread
// count (float sums within an (n, c) row, double across rows), so results are bit-identical across
// thread counts.
#include <cmath>

#include "../kernels.h"
#include "../parallel.h"
#include "simd.h"

namespace lth::cpu {

namespace ref {
void batchnorm_forward_train(int64_t N, int64_t C, int64_t HW, float eps, float momentum, const float* x,
                             const float* gamma, const float* beta, float* running_mean, float* running_var, float* y,
                             float* save_mean, float* save_invstd) {
  const int64_t M = N * HW;
  for (int64_t c = 0; c < C; ++c) {
    double sum = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < HW; ++j) sum += x[(n * C + c) * HW + j];
    const double mean = M > 0 ? sum / static_cast<double>(M) : 0.0;
    double sq = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < HW; ++j) {
        const double d = x[(n * C + c) * HW + j] - mean;
        sq += d * d;
      }
    const double var = M > 0 ? sq / static_cast<double>(M) : 0.0;
    const double invstd = 1.0 / std::sqrt(var + static_cast<double>(eps));
    const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < HW; ++j) {
        const int64_t i = (n * C + c) * HW + j;
        y[i] = static_cast<float>((x[i] - mean) * invstd * gm + bt);
      }
    if (save_mean) save_mean[c] = static_cast<float>(mean);
    if (save_invstd) save_invstd[c] = static_cast<float>(invstd);
    if (running_mean) running_mean[c] = static_cast<float>((1.0 - momentum) * running_mean[c] + momentum * mean);
    if (running_var) {
      const double unbiased = M > 1 ? sq / static_cast<double>(M - 1) : var;
      running_var[c] = static_cast<float>((1.0 - momentum) * running_var[c] + momentum * unbiased);
    }
  }
}

void batchnorm_forward_eval(int64_t N, int64_t C, int64_t HW, float eps, const float* x, const float* gamma,
                            const float* beta, const float* running_mean, const float* running_var, float* y) {
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c) {
      const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
      const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
      for (int64_t j = 0; j < HW; ++j) {
        const int64_t i = (n * C + c) * HW + j;
        y[i] = static_cast<float>((x[i] - static_cast<double>(running_mean[c])) * invstd * gm + bt);
      }
    }
}

void batchnorm_backward(int64_t N, int64_t C, int64_t HW, const float* x, const float* gamma, const float* save_mean,
                        const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  // xhat = (x − mean)·invstd;  dbeta = Σ dy;  dgamma = Σ dy·xhat;
  // dx = gamma·invstd · (dy − dbeta/M − xhat·dgamma/M).
  const int64_t M = N * HW;
  for (int64_t c = 0; c < C; ++c) {
    const double mean = save_mean[c], invstd = save_invstd[c];
    double sdy = 0, sdyx = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < HW; ++j) {
        const int64_t i = (n * C + c) * HW + j;
        sdy += dy[i];
        sdyx += dy[i] * (x[i] - mean) * invstd;
      }
    if (dbeta) dbeta[c] = static_cast<float>(sdy);
    if (dgamma) dgamma[c] = static_cast<float>(sdyx);
    if (dx) {
      const double gm = gamma ? gamma[c] : 1.0;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t j = 0; j < HW; ++j) {
          const int64_t i = (n * C + c) * HW + j;
          const double xhat = (x[i] - mean) * invstd;
          dx[i] = static_cast<float>(gm * invstd * (dy[i] - sdy / M - xhat * sdyx / M));
        }
    }
  }
}
}  // namespace ref

namespace {
#define LTH_BN_CLONES LTH_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")

LTH_BN_CLONES float row_sum(const float* r, int64_t n) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i) s += r[i];
  return s;
}

LTH_BN_CLONES float row_centered_sq(const float* r, int64_t n, float mean) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; ++i) {
    const float d = r[i] - mean;
    s += d * d;
  }
  return s;
}

// y = x·a + b
LTH_BN_CLONES void row_affine(const float* x, float* y, int64_t n, float a, float b) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * a + b;
}

// Σ dy and Σ dy·(x − mean) over one row.
LTH_BN_CLONES void row_grad_sums(const float* x, const float* dy, int64_t n, float mean, float& sdy, float& sdyx) {
  float a = 0.0f, b = 0.0f;
#pragma omp simd reduction(+ : a, b)
  for (int64_t i = 0; i < n; ++i) {
    a += dy[i];
    b += dy[i] * (x[i] - mean);
  }
  sdy = a;
  sdyx = b;
}

// dx = k1·dy − k2·(x − mean) − k3
LTH_BN_CLONES void row_dx(const float* x, const float* dy, float* dx, int64_t n, float mean, float k1, float k2,
                          float k3) {
  for (int64_t i = 0; i < n; ++i) dx[i] = k1 * dy[i] - k2 * (x[i] - mean) - k3;
}

int64_t channel_grain(int64_t N, int64_t HW) { return 1 + (int64_t{1} << 14) / (N * HW + 1); }
}  // namespace

void batchnorm_forward_train(int64_t N, int64_t C, int64_t HW, float eps, float momentum, const float* x,
                             const float* gamma, const float* beta, float* running_mean, float* running_var, float* y,
                             float* save_mean, float* save_invstd) {
  const int64_t M = N * HW;
  parallel_for(C, channel_grain(N, HW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      // One pass over memory: each (n, c) row's mean and centred sum of squares (the second sweep of a row
      // hits L1/L2), merged across rows in double with Chan et al.'s pairwise update.
      double mean = 0, sq = 0;
      int64_t count = 0;
      for (int64_t n = 0; n < N && HW > 0; ++n) {
        const float* row = x + (n * C + c) * HW;
        const float rmean = row_sum(row, HW) / static_cast<float>(HW);
        const double rsq = row_centered_sq(row, HW, rmean);
        const double delta = static_cast<double>(rmean) - mean;
        const int64_t merged = count + HW;
        mean += delta * static_cast<double>(HW) / static_cast<double>(merged);
        sq += rsq + delta * delta * static_cast<double>(count) * static_cast<double>(HW) / static_cast<double>(merged);
        count = merged;
      }
      const double var = M > 0 ? sq / static_cast<double>(M) : 0.0;
      const double invstd = 1.0 / std::sqrt(var + static_cast<double>(eps));
      const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
      const float a = static_cast<float>(gm * invstd), b = static_cast<float>(bt - mean * gm * invstd);
      for (int64_t n = 0; n < N; ++n) row_affine(x + (n * C + c) * HW, y + (n * C + c) * HW, HW, a, b);
      if (save_mean) save_mean[c] = static_cast<float>(mean);
      if (save_invstd) save_invstd[c] = static_cast<float>(invstd);
      if (running_mean) running_mean[c] = static_cast<float>((1.0 - momentum) * running_mean[c] + momentum * mean);
      if (running_var) {
        const double unbiased = M > 1 ? sq / static_cast<double>(M - 1) : var;
        running_var[c] = static_cast<float>((1.0 - momentum) * running_var[c] + momentum * unbiased);
      }
    }
  });
}

void batchnorm_forward_eval(int64_t N, int64_t C, int64_t HW, float eps, const float* x, const float* gamma,
                            const float* beta, const float* running_mean, const float* running_var, float* y) {
  parallel_for(N * C, 1 + (int64_t{1} << 15) / (HW + 1), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t c = i % C;
      const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
      const double gm = gamma ? gamma[c] : 1.0, bt = beta ? beta[c] : 0.0;
      const float a = static_cast<float>(gm * invstd), b = static_cast<float>(bt - running_mean[c] * gm * invstd);
      row_affine(x + i * HW, y + i * HW, HW, a, b);
    }
  });
}

void batchnorm_backward(int64_t N, int64_t C, int64_t HW, const float* x, const float* gamma, const float* save_mean,
                        const float* save_invstd, const float* dy, float* dx, float* dgamma, float* dbeta) {
  const int64_t M = N * HW;
  parallel_for(C, channel_grain(N, HW), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const float mean = save_mean[c];
      const double invstd = save_invstd[c];
      double sdy = 0, sdyx = 0;  // Σ dy, Σ dy·(x − mean)
      for (int64_t n = 0; n < N; ++n) {
        float a, b;
        row_grad_sums(x + (n * C + c) * HW, dy + (n * C + c) * HW, HW, mean, a, b);
        sdy += a;
        sdyx += b;
      }
      if (dbeta) dbeta[c] = static_cast<float>(sdy);
      if (dgamma) dgamma[c] = static_cast<float>(sdyx * invstd);
      if (dx && M > 0) {
        // dx = g·is·dy − g·is³·sdyx/M·(x − mean) − g·is·sdy/M
        const double gm = gamma ? gamma[c] : 1.0;
        const float k1 = static_cast<float>(gm * invstd);
        const float k2 = static_cast<float>(gm * invstd * invstd * invstd * sdyx / static_cast<double>(M));
        const float k3 = static_cast<float>(gm * invstd * sdy / static_cast<double>(M));
        for (int64_t n = 0; n < N; ++n)
          row_dx(x + (n * C + c) * HW, dy + (n * C + c) * HW, dx + (n * C + c) * HW, HW, mean, k1, k2, k3);
      }
    }
  });
}

}  // namespace lth::cpu
