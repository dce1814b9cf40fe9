// Shared by the spatial ops (conv2d, pool2d): the sliding-window output length and shapes returned to JS.
#pragma once
#include <napi.h>

#include <vector>

#include "args.h"

namespace lth::binding {

// floor((n + 2·pad − k) / stride) + 1, or ERR_SHAPE when the window does not fit the padded input.
int64_t sliding_output(const Args& a, const char* what, int64_t n, int64_t k, int64_t stride, int64_t pad);

Napi::Array shape_value(Napi::Env env, const std::vector<int64_t>& shape);

}  // namespace lth::binding
