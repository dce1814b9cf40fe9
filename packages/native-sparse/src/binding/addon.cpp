#include <napi.h>

#include "registry.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace lth::binding;
  register_tensor(env, exports);
  register_runtime(env, exports);
  register_gemm(env, exports);
  register_masked_dense(env, exports);
  register_masked_dense_batched(env, exports);
  register_sparse_dense(env, exports);
  register_conv2d(env, exports);
  register_pool2d(env, exports);
  register_global_avgpool(env, exports);
  register_relu(env, exports);
  register_dropout(env, exports);
  register_add(env, exports);
  register_batchnorm(env, exports);
  register_softmax_cross_entropy(env, exports);
  register_softmax_cross_entropy_batched(env, exports);
  register_sigmoid_binary_cross_entropy(env, exports);
  register_sgd_step(env, exports);
  register_adam_step(env, exports);
  register_magnitude_prune(env, exports);
  register_mask_ops(env, exports);
  register_csr_convert(env, exports);
  register_csr_spmm(env, exports);
  register_gather_rows(env, exports);
  register_flip_translate(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(lth_native, Init)
