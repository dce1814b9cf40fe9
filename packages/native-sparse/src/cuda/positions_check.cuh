// The optimizer steps' `positions` list checked on the device (sgd_step.cu, adam_step.cu): strictly ascending,
// each in [0, n); throws ERR_ARG with the CPU's message (src/cpu/sparse_structure.h, check_positions) before
// anything is written.
#pragma once
#include <climits>

#include "common.cuh"

namespace lth::cuda {

namespace {

__global__ void positions_check_kernel(int64_t npos, const int32_t* pos, int64_t n, long long* first_bad) {
  LTH_CUDA_FOR(k, npos) {
    const bool bad = pos[k] < 0 || pos[k] >= n || (k > 0 && pos[k] <= pos[k - 1]);
    if (bad) atomicMin(first_bad, static_cast<long long>(k));
  }
}

[[maybe_unused]] void validate_positions(int64_t npos, const int32_t* pos, int64_t n, const char* op) {
  if (npos <= 0) return;
  const long long none = LLONG_MAX;
  Scratch buf(sizeof(long long));
  long long* first_bad = buf.as<long long>();
  copy_to_device(first_bad, &none, sizeof none);
  positions_check_kernel<<<grid_for(npos, 256, 4096), 256, 0, stream()>>>(npos, pos, n, first_bad);
  check_launch("positions_check_kernel");
  long long k = none;
  copy_to_host(&k, first_bad, sizeof k);  // waits
  if (k == none) return;
  int32_t pair[2] = {0, 0};  // pos[k-1], pos[k]
  copy_to_host(pair + (k == 0), pos + k - (k > 0), (k > 0 ? 2 : 1) * sizeof(int32_t));
  LTH_CHECK(pair[1] >= 0 && pair[1] < n, code::kArg, op, ": position ", pair[1], " at entry ", k, " is outside [0, ", n,
            ")");
  fail(code::kArg, op, ": positions must be strictly ascending (", pair[0], " then ", pair[1], " at entry ", k, ")");
}

}  // namespace

}  // namespace lth::cuda
