// A CSR matrix as it crosses the boundary: { rows, cols, rowptr i32 [rows+1], colidx i32 [nnz], values f32 [nnz] }
// (lib/ops/csr_convert.ts's CsrMatrix). Read by the CSR ops; the kernels check the contents.
#pragma once
#include "../kernels.h"
#include "args.h"

namespace lth::binding {

CsrView csr_arg(Args& a, Napi::Value v, const char* name);

}  // namespace lth::binding
