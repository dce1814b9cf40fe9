// Tensor storage owned by native code: host memory (64-byte aligned) on the CPU device, cudaMalloc memory
// on the CUDA device. Several tensors may share one buffer (reshape views); the buffer is freed when the
// last of them is disposed or collected.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "errors.h"

namespace lth {

enum class DType : uint8_t { F32 = 0, U8 = 1, I32 = 2 };
enum class Device : uint8_t { CPU = 0, CUDA = 1 };

inline size_t dtype_size(DType t) { return t == DType::U8 ? 1 : 4; }
const char* dtype_name(DType t);
const char* device_name(Device d);

class Buffer {
 public:
  // `on_free(bytes)` lets the binding report memory to the JS engine; it may be empty.
  Buffer(Device device, size_t bytes, std::function<void(int64_t)> on_change);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Device device() const { return device_; }
  // Unique per buffer in this process: tensors with the same id share memory (reshape views).
  uint64_t id() const { return id_; }

 private:
  Device device_;
  size_t bytes_;
  uint64_t id_;
  void* data_ = nullptr;
  std::function<void(int64_t)> on_change_;
};

struct Tensor {
  std::vector<int64_t> shape;
  DType dtype = DType::F32;
  Device device = Device::CPU;
  std::shared_ptr<Buffer> buffer;  // null once disposed

  int64_t numel() const;
  size_t bytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype); }
  bool disposed() const { return buffer == nullptr; }
  std::string describe() const;  // e.g. "f32[60,784]@cpu"

  template <typename T>
  T* data() const {
    return static_cast<T*>(buffer->data());
  }
};

// Largest element count of a tensor (2^40, 4 TiB of f32): far beyond any device, small enough that element
// and byte counts fit int64, size_t and a JS number exactly. Mirrored in lib/check.ts (MAX_ELEMENTS).
inline constexpr int64_t kMaxElements = int64_t{1} << 40;

// Element count of a shape; ERR_SHAPE for a negative dimension or more than kMaxElements elements.
int64_t numel_of(const std::vector<int64_t>& shape);

// Host/device memory primitives; the CUDA variants live in src/cuda/memory.cu.
void* host_alloc(size_t bytes);
void host_free(void* p);
void copy_to_device(Device d, void* dst, const void* src, size_t bytes);    // host -> tensor memory
void copy_from_device(Device d, void* dst, const void* src, size_t bytes);  // tensor memory -> host
void fill_zero(Device d, void* dst, size_t bytes);

}  // namespace lth
