// Masked dense layer on the CPU: y = x·(W⊙M)ᵀ + b (optionally ReLU), and its backward pass with the
// gradient of every pruned weight exactly 0.
#include <algorithm>
#include <vector>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace ref {
void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W,
                          const uint8_t* mask, const float* bias, bool relu, float* y) {
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t o = 0; o < Out; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t i = 0; i < In; ++i) {
        float w = (!mask || mask[o * In + i]) ? W[o * In + i] : 0.0f;
        acc += static_cast<double>(x[b * In + i]) * w;
      }
      float v = static_cast<float>(acc);
      y[b * Out + o] = relu ? std::max(v, 0.0f) : v;
    }
  }
}

void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W,
                           const uint8_t* mask, const float* dy, float* dx, float* dW, float* db) {
  if (dx) {
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < In; ++i) {
        double acc = 0;
        for (int64_t o = 0; o < Out; ++o) {
          float w = (!mask || mask[o * In + i]) ? W[o * In + i] : 0.0f;
          acc += static_cast<double>(dy[b * Out + o]) * w;
        }
        dx[b * In + i] = static_cast<float>(acc);
      }
  }
  if (dW) {
    for (int64_t o = 0; o < Out; ++o)
      for (int64_t i = 0; i < In; ++i) {
        double acc = 0;
        if (!mask || mask[o * In + i])
          for (int64_t b = 0; b < B; ++b) acc += static_cast<double>(dy[b * Out + o]) * x[b * In + i];
        dW[o * In + i] = static_cast<float>(acc);
      }
  }
  if (db) {
    for (int64_t o = 0; o < Out; ++o) {
      double acc = 0;
      for (int64_t b = 0; b < B; ++b) acc += dy[b * Out + o];
      db[o] = static_cast<float>(acc);
    }
  }
}
}  // namespace ref

namespace {
// W⊙M into a scratch buffer (or W itself when there is no mask).
const float* masked_weights(int64_t n, const float* W, const uint8_t* mask, std::vector<float>& scratch) {
  if (!mask) return W;
  scratch.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) scratch[i] = mask[i] ? W[i] : 0.0f;
  return scratch.data();
}
}  // namespace

void masked_dense_forward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W,
                          const uint8_t* mask, const float* bias, bool relu, float* y) {
  std::vector<float> scratch;
  const float* Wm = masked_weights(Out * In, W, mask, scratch);
  gemm(Trans::N, Trans::T, B, Out, In, 1.0f, x, Wm, 0.0f, y);
  if (bias || relu) {
    parallel_for(B, 16, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        float* row = y + b * Out;
        if (bias) for (int64_t o = 0; o < Out; ++o) row[o] += bias[o];
        if (relu) for (int64_t o = 0; o < Out; ++o) row[o] = std::max(row[o], 0.0f);
      }
    });
  }
}

void masked_dense_backward(int64_t B, int64_t In, int64_t Out, const float* x, const float* W,
                           const uint8_t* mask, const float* dy, float* dx, float* dW, float* db) {
  if (dx) {
    std::vector<float> scratch;
    const float* Wm = masked_weights(Out * In, W, mask, scratch);
    gemm(Trans::N, Trans::N, B, In, Out, 1.0f, dy, Wm, 0.0f, dx);  // [B,Out]·[Out,In]
  }
  if (dW) {
    gemm(Trans::T, Trans::N, Out, In, B, 1.0f, dy, x, 0.0f, dW);  // [Out,B]·[B,In]
    if (mask) {
      parallel_for(Out * In, 1 << 16, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
          if (!mask[i]) dW[i] = 0.0f;
      });
    }
  }
  if (db) {
    std::fill(db, db + Out, 0.0f);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t o = 0; o < Out; ++o) db[o] += dy[b * Out + o];
  }
}

}  // namespace lth::cpu
