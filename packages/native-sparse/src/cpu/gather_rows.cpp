// Row gather on the CPU: out[k,:] = table[index[k],:]. The indices are checked first, so a bad index
// leaves `out` untouched.
#include <cstring>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace {
void check_indices(int64_t n, int64_t rows, const int32_t* index) {
  for (int64_t k = 0; k < n; ++k)
    LTH_CHECK(index[k] >= 0 && index[k] < rows, code::kArg, "gather_rows: index[", k, "] = ", index[k],
              " is outside the table's ", rows, " rows");
}
}  // namespace

namespace ref {
void gather_rows(int64_t n, int64_t width, int64_t rows, const uint32_t* table, const int32_t* index, uint32_t* out) {
  check_indices(n, rows, index);
  for (int64_t k = 0; k < n; ++k)
    for (int64_t j = 0; j < width; ++j) out[k * width + j] = table[static_cast<int64_t>(index[k]) * width + j];
}
}  // namespace ref

void gather_rows(int64_t n, int64_t width, int64_t rows, const uint32_t* table, const int32_t* index, uint32_t* out) {
  check_indices(n, rows, index);
  const size_t bytes = static_cast<size_t>(width) * sizeof(uint32_t);
  // Rows are copied whole; split so each task moves at least ~64 KiB.
  const int64_t grain = width > 0 ? (int64_t{1} << 14) / width + 1 : n + 1;
  parallel_for(n, grain, [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k)
      std::memcpy(out + k * width, table + static_cast<int64_t>(index[k]) * width, bytes);
  });
}

}  // namespace lth::cpu
