#include <napi.h>

#include "registry.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace lth::binding;
  register_tensor(env, exports);
  register_runtime(env, exports);
  register_dense(env, exports);
  register_conv(env, exports);
  register_pool(env, exports);
  register_layers(env, exports);
  register_optim(env, exports);
  register_prune(env, exports);
  register_sparse(env, exports);
  register_gather(env, exports);
  register_augment(env, exports);
  register_batched(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(lth_native, Init)
