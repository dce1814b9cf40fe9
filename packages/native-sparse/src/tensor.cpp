#include "tensor.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cuda_runtime_api.h"

namespace lth {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::F32:
      return "f32";
    case DType::U8:
      return "u8";
    case DType::I32:
      return "i32";
  }
  return "?";
}

const char* device_name(Device d) { return d == Device::CPU ? "cpu" : "cuda"; }

int64_t numel_of(const std::vector<int64_t>& shape) {
  // Checked against kMaxElements as it multiplies, so no product can wrap (a wrapped count once gave a
  // tiny buffer that kernels then overran). The product of the nonzero dimensions is bounded too: a shape
  // like [0, 2^60] holds nothing but would make kernels loop over its other dimensions.
  int64_t n = 1;
  int64_t nonzero = 1;
  for (int64_t s : shape) {
    LTH_CHECK(s >= 0, code::kShape, "negative dimension ", s);
    if (s == 0) {
      n = 0;
      continue;
    }
    LTH_CHECK(s <= kMaxElements / nonzero, code::kShape, "shape holds more than ", kMaxElements,
              " elements (dimension ", s, " after a product of ", nonzero, ")");
    nonzero *= s;
    n = n == 0 ? 0 : nonzero;
  }
  return n;
}

int64_t Tensor::numel() const { return numel_of(shape); }

std::string Tensor::describe() const {
  std::ostringstream os;
  os << dtype_name(dtype) << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? "," : "") << shape[i];
  os << "]@" << device_name(device);
  return os.str();
}

namespace {
// glibc raises its mmap threshold after the first large free, after which multi-megabyte tensors come from
// the heap arena and fragment it in long runs. A fixed threshold keeps large tensors in their own mappings,
// returned to the system when freed.
void fix_mmap_threshold() {
#if defined(__GLIBC__)
  static const bool done = [] { return mallopt(M_MMAP_THRESHOLD, 256 * 1024) == 1; }();
  (void)done;
#endif
}
}  // namespace

void* host_alloc(size_t bytes) {
  fix_mmap_threshold();
  // 64-byte alignment: one AVX-512 vector / cache line. aligned_alloc needs a multiple of the alignment.
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0) rounded = 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) fail(code::kOom, "out of host memory allocating ", bytes, " bytes");
  return p;
}

void host_free(void* p) { std::free(p); }

namespace {
std::atomic<uint64_t> g_next_buffer_id{1};
}  // namespace

Buffer::Buffer(Device device, size_t bytes, std::function<void(int64_t)> on_change)
    : device_(device), bytes_(bytes), id_(g_next_buffer_id.fetch_add(1)), on_change_(std::move(on_change)) {
  if (device == Device::CPU) {
    data_ = host_alloc(bytes);
    std::memset(data_, 0, bytes);
  } else {
    data_ = cuda_alloc(bytes);
    cuda_memset_zero(data_, bytes);
  }
  if (on_change_) on_change_(static_cast<int64_t>(bytes));
}

Buffer::~Buffer() {
  if (device_ == Device::CPU) {
    host_free(data_);
  } else {
    cuda_free_noexcept(data_);
  }
  if (on_change_) on_change_(-static_cast<int64_t>(bytes_));
}

void copy_to_device(Device d, void* dst, const void* src, size_t bytes) {
  if (d == Device::CPU) std::memcpy(dst, src, bytes);
  else cuda_copy_h2d(dst, src, bytes);
}

void copy_from_device(Device d, void* dst, const void* src, size_t bytes) {
  if (d == Device::CPU) std::memcpy(dst, src, bytes);
  else cuda_copy_d2h(dst, src, bytes);
}

void fill_zero(Device d, void* dst, size_t bytes) {
  if (d == Device::CPU) std::memset(dst, 0, bytes);
  else cuda_memset_zero(dst, bytes);
}

}  // namespace lth
