#include "spatial.h"

namespace lth::binding {

int64_t sliding_output(const Args& a, const char* what, int64_t n, int64_t k, int64_t stride, int64_t pad) {
  LTH_CHECK(n + 2 * pad >= k, code::kShape, a.op(), ": ", what, " ", k, " is larger than the padded input ", n, " + 2·",
            pad, " = ", n + 2 * pad);
  return (n + 2 * pad - k) / stride + 1;
}

Napi::Array shape_value(Napi::Env env, const std::vector<int64_t>& shape) {
  Napi::Array out = Napi::Array::New(env, shape.size());
  for (size_t i = 0; i < shape.size(); ++i) out.Set(static_cast<uint32_t>(i), static_cast<double>(shape[i]));
  return out;
}

}  // namespace lth::binding
