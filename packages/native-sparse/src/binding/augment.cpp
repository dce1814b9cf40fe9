// JS binding for flipTranslate(src, params, out): the flip + translate augmentation of a batch of images.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// flipTranslate(src [n,C,H,W] f32, params [n,3] i32 (flip, dy, dx), out [n,C,H,W] f32, not src)
Napi::Value FlipTranslate(const Napi::CallbackInfo& info) {
  const char* op = "flipTranslate";
  Tensor& src = tensor_arg(info, 0, op, "src");
  Tensor& params = tensor_arg(info, 1, op, "params");
  Tensor& out = tensor_arg(info, 2, op, "out");
  expect_dtype(src, DType::F32, op, "src");
  expect_dtype(out, DType::F32, op, "out");
  expect_dtype(params, DType::I32, op, "params");
  LTH_CHECK(src.shape.size() == 4, code::kShape, op, ": 'src' must be [n,C,H,W], got ", src.describe());
  LTH_CHECK(out.shape == src.shape, code::kShape, op, ": 'out' ", out.describe(), " must have the shape of 'src' ",
            src.describe());
  const int64_t n = src.shape[0];
  expect_shape(params, {n, 3}, op, "params");
  expect_no_alias({&out, "out"}, {{&src, "src"}, {&params, "params"}}, op);
  Device d = common_device({&src, &params, &out}, op);
  LTH_DISPATCH(d, flip_translate, n, src.shape[1], src.shape[2], src.shape[3], params.data<int32_t>(),
               src.data<float>(), out.data<float>());
  return info.Env().Undefined();
}

}  // namespace

void register_augment(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "flipTranslate", FlipTranslate); }

}  // namespace lth::binding
