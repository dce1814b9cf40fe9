// JS binding for gatherRows(table, index, out): out[k,...] = table[index[k],...] for f32 or i32 tables.
#include "napi_util.h"
#include "registry.h"

namespace lth::binding {

namespace {

// gatherRows(table [rows, ...], index [n] i32, out [n, ...] same dtype as table)
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  const char* op = "gatherRows";
  Tensor& table = tensor_arg(info, 0, op, "table");
  Tensor& index = tensor_arg(info, 1, op, "index");
  Tensor& out = tensor_arg(info, 2, op, "out");
  LTH_CHECK(table.dtype == DType::F32 || table.dtype == DType::I32, code::kDtype, op,
            ": 'table' must be f32 or i32, got ", table.describe());
  expect_dtype(out, table.dtype, op, "out");
  expect_dtype(index, DType::I32, op, "index");
  LTH_CHECK(table.shape.size() >= 1, code::kShape, op, ": 'table' must have rank >= 1, got ", table.describe());
  LTH_CHECK(index.shape.size() == 1, code::kShape, op, ": 'index' must be [n], got ", index.describe());
  const int64_t rows = table.shape[0], n = index.shape[0];
  std::vector<int64_t> want(table.shape);
  want[0] = n;
  LTH_CHECK(out.shape == want, code::kShape, op, ": 'out' must be [", n, ", ...table's row shape], got ",
            out.describe(), " for table ", table.describe());
  const int64_t width = rows > 0 ? table.numel() / rows : 0;
  expect_no_alias({&out, "out"}, {{&table, "table"}, {&index, "index"}}, op);
  Device d = common_device({&table, &index, &out}, op);
  LTH_DISPATCH(d, gather_rows, n, width, rows, table.data<uint32_t>(), index.data<int32_t>(),
               out.data<uint32_t>());
  return info.Env().Undefined();
}

}  // namespace

void register_gather(Napi::Env env, Napi::Object exports) { export_fn(env, exports, "gatherRows", GatherRows); }

}  // namespace lth::binding
