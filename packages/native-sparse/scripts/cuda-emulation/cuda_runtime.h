// Host emulation of the CUDA runtime and of the device builtins the lth kernels use, so CUDA sources can be
// compiled as host C++ and run without a GPU (run.sh). Each CUDA thread of a block is a std::thread;
// __syncthreads is a block barrier; warp shuffles go through per-warp slots and a warp barrier. Blocks run one
// at a time (so a __shared__ array, emulated as a function-local static, is per block). A divergent barrier hangs.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#include <algorithm>

struct float4 { float x, y, z, w; };
struct uchar4 { unsigned char x, y, z, w; };
inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {}
};
struct Idx { unsigned x = 0, y = 0, z = 0; };
inline thread_local Idx threadIdx, blockIdx;
inline Idx gridDim, blockDim;

struct EmuBlock {
  std::unique_ptr<std::barrier<>> block;
  std::vector<std::unique_ptr<std::barrier<>>> warp;
  std::vector<uint64_t> slots;
};
inline EmuBlock* g_block = nullptr;
inline void __syncthreads() { g_block->block->arrive_and_wait(); }

template <class T>
T emu_shfl_xor(T v, int off) {
  const unsigned t = threadIdx.x, w = t / 32;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof v);
  g_block->slots[t] = bits;
  g_block->warp[w]->arrive_and_wait();
  uint64_t o = g_block->slots[w * 32 + ((t % 32) ^ static_cast<unsigned>(off))];
  g_block->warp[w]->arrive_and_wait();
  T r;
  std::memcpy(&r, &o, sizeof r);
  return r;
}
template <class T>
T emu_shfl_down(T v, int off) {
  const unsigned t = threadIdx.x, w = t / 32;
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof v);
  g_block->slots[t] = bits;
  g_block->warp[w]->arrive_and_wait();
  const unsigned lane = t % 32;
  uint64_t o = lane + off < 32 ? g_block->slots[w * 32 + lane + off] : bits;
  g_block->warp[w]->arrive_and_wait();
  T r;
  std::memcpy(&r, &o, sizeof r);
  return r;
}
#define __shfl_xor_sync(mask, v, off) emu_shfl_xor(v, off)
#define __shfl_down_sync(mask, v, off) emu_shfl_down(v, off)

inline std::mutex g_atomic;
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
  std::lock_guard<std::mutex> l(g_atomic);
  unsigned long long old = *p;
  if (v < old) *p = v;
  return old;
}
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  std::lock_guard<std::mutex> l(g_atomic);
  unsigned long long old = *p;
  *p += v;
  return old;
}
inline float __fdiv_rn(float a, float b) { return a / b; }
inline float __fadd_rn(float a, float b) { return a + b; }

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))

inline void emu_launch(dim3 grid, dim3 block, const std::function<void()>& f) {
  gridDim = {grid.x, grid.y, grid.z};
  blockDim = {block.x, block.y, block.z};
  const unsigned n = block.x;
  for (unsigned z = 0; z < grid.z; ++z)
    for (unsigned y = 0; y < grid.y; ++y)
      for (unsigned x = 0; x < grid.x; ++x) {
        EmuBlock b;
        b.block = std::make_unique<std::barrier<>>(n);
        for (unsigned w = 0; w < (n + 31) / 32; ++w) b.warp.push_back(std::make_unique<std::barrier<>>(std::min(32u, n - w * 32)));
        b.slots.resize(n);
        g_block = &b;
        std::vector<std::thread> ts;
        for (unsigned t = 0; t < n; ++t) ts.emplace_back([&, t, x, y, z] { threadIdx = {t, 0, 0}; blockIdx = {x, y, z}; f(); });
        for (auto& th : ts) th.join();
      }
}

// ---- runtime ---------------------------------------------------------------------------------------------
using cudaStream_t = void*;
using cudaError_t = int;
using cudaMemPool_t = void*;
constexpr cudaError_t cudaSuccess = 0;
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount };
enum cudaMemcpyKind { cudaMemcpyDeviceToHost, cudaMemcpyHostToDevice };
inline const char* cudaGetErrorName(cudaError_t) { return "cudaErrorEmu"; }
inline const char* cudaGetErrorString(cudaError_t) { return "emulated"; }
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline int g_live_allocs = 0;
inline cudaError_t cudaMallocAsync(void** p, size_t n, cudaStream_t) {
  *p = std::malloc(n);
  std::memset(*p, 0xA5, n);  // garbage, like fresh device memory
  ++g_live_allocs;
  return cudaSuccess;
}
template <class T>
cudaError_t cudaMallocAsync(T** p, size_t n, cudaStream_t s) { return cudaMallocAsync(reinterpret_cast<void**>(p), n, s); }
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) { std::free(p); --g_live_allocs; return cudaSuccess; }
inline cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t) { std::memset(p, v, n); return cudaSuccess; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) { std::memcpy(d, s, n); return cudaSuccess; }
inline cudaError_t cudaGetDevice(int* d) { *d = 0; return cudaSuccess; }
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr, int) { *v = 132; return cudaSuccess; }
