// One registration function per binding file; addon.cpp calls them all.
#pragma once
#include <napi.h>

namespace lth::binding {
void register_tensor(Napi::Env env, Napi::Object exports);   // tensor.cpp: Tensor, empty
void register_runtime(Napi::Env env, Napi::Object exports);  // runtime.cpp: capabilities, threads, variant
void register_dense(Napi::Env env, Napi::Object exports);    // dense.cpp: gemm, maskedDense*
void register_conv(Napi::Env env, Napi::Object exports);     // conv.cpp: conv2d*
void register_pool(Napi::Env env, Napi::Object exports);     // pool.cpp: maxPool*, avgPool*, globalAvgPool*
void register_layers(Napi::Env env, Napi::Object exports);   // layers.cpp: relu, dropout, add, batchNorm*, softmaxCrossEntropy
void register_optim(Napi::Env env, Napi::Object exports);    // optim.cpp: sgdStep, adamStep
void register_prune(Napi::Env env, Napi::Object exports);    // prune.cpp: magnitudePrune, countNonzero, shuffleMask
void register_sparse(Napi::Env env, Napi::Object exports);   // sparse.cpp: denseToCsr, csrToDense, csrSpmm
void register_gather(Napi::Env env, Napi::Object exports);   // gather.cpp: gatherRows
void register_augment(Napi::Env env, Napi::Object exports);  // augment.cpp: flipTranslate
void register_batched(Napi::Env env, Napi::Object exports);  // batched.cpp: maskedDense*Batched, softmaxCrossEntropyBatched
}  // namespace lth::binding
