#include <napi.h>

#include "registry.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace lth::binding;
  register_tensor(env, exports);
  register_runtime(env, exports);
  if (register_dense) register_dense(env, exports);
  if (register_conv) register_conv(env, exports);
  if (register_pool) register_pool(env, exports);
  if (register_layers) register_layers(env, exports);
  if (register_optim) register_optim(env, exports);
  if (register_prune) register_prune(env, exports);
  if (register_sparse) register_sparse(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(lth_native, Init)
