// One registration function per binding file (named after it); addon.cpp calls them all.
#pragma once
#include <napi.h>

namespace lth::binding {
void register_tensor(Napi::Env env, Napi::Object exports);   // Tensor, zeros, fromArray, numelOf, resolveDevice
void register_runtime(Napi::Env env, Napi::Object exports);  // capabilities, threads, kernel variant
void register_gemm(Napi::Env env, Napi::Object exports);
void register_masked_dense(Napi::Env env, Napi::Object exports);
void register_masked_dense_batched(Napi::Env env, Napi::Object exports);
void register_sparse_dense(Napi::Env env, Napi::Object exports);
void register_conv2d(Napi::Env env, Napi::Object exports);
void register_pool2d(Napi::Env env, Napi::Object exports);
void register_global_avgpool(Napi::Env env, Napi::Object exports);
void register_relu(Napi::Env env, Napi::Object exports);
void register_dropout(Napi::Env env, Napi::Object exports);
void register_add(Napi::Env env, Napi::Object exports);
void register_batchnorm(Napi::Env env, Napi::Object exports);
void register_softmax_cross_entropy(Napi::Env env, Napi::Object exports);
void register_softmax_cross_entropy_batched(Napi::Env env, Napi::Object exports);
void register_sigmoid_binary_cross_entropy(Napi::Env env, Napi::Object exports);
void register_sgd_step(Napi::Env env, Napi::Object exports);
void register_adam_step(Napi::Env env, Napi::Object exports);
void register_magnitude_prune(Napi::Env env, Napi::Object exports);
void register_mask_ops(Napi::Env env, Napi::Object exports);
void register_csr_convert(Napi::Env env, Napi::Object exports);
void register_csr_spmm(Napi::Env env, Napi::Object exports);
void register_gather_rows(Napi::Env env, Napi::Object exports);
void register_flip_translate(Napi::Env env, Napi::Object exports);
}  // namespace lth::binding
