// The op contract. Every op is declared once, in kernel_decls.inc, and that list is included into each
// device namespace: lth::cpu (fast kernels), lth::cpu::ref (plain loops, the readable definition of
// each op) and lth::cuda. Same list, same signatures, so the devices cannot drift apart.
//
// Conventions: row-major contiguous buffers; shapes in comments as [dims]; a null pointer marks an
// optional input/output that is skipped. Masks are uint8 (0 = pruned, nonzero = alive). Kernels validate
// nothing the binding already validated, but throw lth::Error (never abort) on what only they can see.
#pragma once
#include <cstdint>
#include <vector>

#include "errors.h"

namespace lth {

enum class Trans : uint8_t { N = 0, T = 1 };

// Convolution geometry, NCHW input [N,C,H,W], weights [K,C,R,S], output [N,K,P,Q].
struct Conv2dGeom {
  int64_t N, C, H, W;  // input
  int64_t K, R, S;     // filters
  int64_t stride_h, stride_w, pad_h, pad_w;
  int64_t P, Q;  // output: P = (H + 2*pad_h - R) / stride_h + 1
};

// Pooling geometry, input [N,C,H,W], output [N,C,P,Q]. Padding counts as -inf for max pooling.
struct Pool2dGeom {
  int64_t N, C, H, W;
  int64_t kh, kw, stride_h, stride_w, pad_h, pad_w;
  int64_t P, Q;
};

struct SgdParams {
  float lr, momentum, dampening, weight_decay;  // L2 weight decay added to the gradient (PyTorch SGD)
  bool nesterov;
};

struct AdamParams {
  float lr, beta1, beta2, eps, weight_decay;
  int64_t step;    // 1-based step count after this update (bias correction)
  bool decoupled;  // true: AdamW (decay applied to the weights), false: L2 decay added to the gradient
};

struct CeResult {
  double loss;      // mean over the batch of -log softmax(logits)[label] (sigmoid_binary_cross_entropy: mean binary CE)
  int64_t correct;  // argmax(logits) == label (first maximum wins); sigmoid_binary_cross_entropy: (z > 0) == (y > 0.5)
};

// A weight tensor taking part in magnitude pruning.
struct PruneTarget {
  const float* w;         // [n]
  const uint8_t* mask_in;  // [n] current mask (null = all alive)
  uint8_t* mask_out;       // [n] new mask (may alias mask_in)
  int64_t n;
};

// A CSR matrix [rows, cols].
struct CsrView {
  int64_t rows, cols, nnz;
  const int32_t* rowptr;  // [rows+1]
  const int32_t* colidx;  // [nnz], ascending within a row
  const float* values;    // [nnz]
};

// The structure of a pruned [out, in] weight for the sparse_dense ops: the mask's CSR and its transpose (CSC).
// The values stay in the dense W (read and written only at these positions).
struct SparseStructureView {
  int64_t out, in, nnz;
  const int32_t* rowptr;     // [out+1]
  const int32_t* colidx;     // [nnz], ascending within a row
  const int32_t* colptr;     // [in+1]
  const int32_t* rowidx;     // [nnz], ascending within a column
  const int32_t* positions;  // [nnz] flat o*in + colidx, ascending (CSR order)
};

namespace cpu {
#include "kernel_decls.inc"
namespace ref {
#include "kernel_decls.inc"
}  // namespace ref
}  // namespace cpu

#ifdef LTH_WITH_CUDA
namespace cuda {
#include "kernel_decls.inc"
}  // namespace cuda
#endif

// Counter-free, seeded helpers shared by devices live in rng.h; threading in parallel.h.

}  // namespace lth
