// gatherRows(table [rows, ...] f32|i32, index i32 [n], { out }) -> out[k, ...] = table[index[k], ...]
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  Args a(info, "gatherRows");
  Tensor& table = a.tensor(a.at(0), "table", Want{bit(DType::F32) | bit(DType::I32), -1, 1});
  Tensor& index = a.tensor(a.at(1), "index", i32(1));
  a.options(2);
  const int64_t rows = table.shape[0], n = index.shape[0];
  std::vector<int64_t> shape(table.shape);
  shape[0] = n;
  auto out = a.output(a.opt("out"), "out", table.dtype, shape);
  Device d = a.finish();
  const int64_t width = rows > 0 ? table.numel() / rows : 0;
  LTH_DISPATCH(d, gather_rows, n, width, rows, table.data<uint32_t>(), index.data<int32_t>(), out.data<uint32_t>());
  return out.js(a.env());
}

}  // namespace

void register_gather_rows(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "gatherRows", GatherRows); }

}  // namespace lth::binding
