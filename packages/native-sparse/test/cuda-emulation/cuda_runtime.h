// Host emulation of the CUDA runtime and of the device builtins the lth kernels use, so CUDA sources compile as
// host C++ and run without a GPU: in the emulated addon (CudaEmulation.cmake, npm run build:cuda-emulated) and in
// gemm_tiles.cpp (run.sh). Each CUDA thread of a block is a host thread (pooled); __syncthreads is a block barrier;
// warp shuffles, votes (__ballot_sync, __reduce_max_sync) and __syncwarp go through per-warp slots and a warp
// barrier; atomics take one mutex. Blocks run one at a time (so a __shared__ array, emulated as a function-local
// static, is per block). A divergent barrier hangs. CUB: cub/cub.cuh. The runtime half (end of this file) is what
// src/cuda/runtime.cu calls: one device, host memory, every launch and copy finished when the call returns.
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#include <algorithm>
#include <atomic>
#include <semaphore>

struct float4 { float x, y, z, w; };
struct uchar4 { unsigned char x, y, z, w; };
struct uint4 { unsigned x, y, z, w; };
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

// Lanes of the calling thread's warp (the last warp of a block may be partial).
inline unsigned emu_warp_lanes() {
  const unsigned w = threadIdx.x / 32;
  return std::min(32u, blockDim.x - w * 32);
}
// Every lane publishes v, then each combines all lanes of its warp with f (lane order).
template <class T, class F>
T emu_warp_all(uint64_t v, F f, T init) {
  const unsigned t = threadIdx.x, w = t / 32, n = emu_warp_lanes();
  g_block->slots[t] = v;
  g_block->warp[w]->arrive_and_wait();
  T r = init;
  for (unsigned l = 0; l < n; ++l) r = f(r, l, g_block->slots[w * 32 + l]);
  g_block->warp[w]->arrive_and_wait();
  return r;
}
inline unsigned __ballot_sync(unsigned, bool pred) {
  return emu_warp_all<unsigned>(pred, [](unsigned r, unsigned l, uint64_t s) { return s ? r | (1u << l) : r; }, 0u);
}
inline unsigned __reduce_max_sync(unsigned, unsigned v) {
  return emu_warp_all<unsigned>(v, [](unsigned r, unsigned, uint64_t s) { return std::max(r, (unsigned)s); }, 0u);
}
inline void __syncwarp(unsigned = 0xffffffffu) { g_block->warp[threadIdx.x / 32]->arrive_and_wait(); }
// A block barrier that also ORs a predicate over the block.
inline int __syncthreads_or(int pred) {
  const unsigned t = threadIdx.x;
  g_block->slots[t] = pred != 0;
  g_block->block->arrive_and_wait();
  int r = 0;
  for (unsigned i = 0; i < blockDim.x; ++i) r |= g_block->slots[i] != 0;
  g_block->block->arrive_and_wait();
  return r;
}
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline unsigned __float_as_uint(float f) { unsigned u; std::memcpy(&u, &f, 4); return u; }
// Device-side min/max overloads of CUDA (host C++ has only std::min/max).
template <class T> inline T min(T a, T b) { return b < a ? b : a; }
template <class T> inline T max(T a, T b) { return a < b ? b : a; }

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
inline long long atomicMin(long long* p, long long v) {
  std::lock_guard<std::mutex> l(g_atomic);
  long long old = *p;
  if (v < old) *p = v;
  return old;
}
inline unsigned atomicAdd(unsigned* p, unsigned v) {
  std::lock_guard<std::mutex> l(g_atomic);
  unsigned old = *p;
  *p += v;
  return old;
}
inline int atomicOr(int* p, int v) {
  std::lock_guard<std::mutex> l(g_atomic);
  int old = *p;
  *p |= v;
  return old;
}
inline unsigned long long atomicOr(unsigned long long* p, unsigned long long v) {
  std::lock_guard<std::mutex> l(g_atomic);
  unsigned long long old = *p;
  *p |= v;
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

// The emulated CUDA threads: a pool of host threads kept across blocks and launches (creating 256 threads per
// block made thread creation most of the run time). Worker t runs thread t of every block.
class EmuPool {
 public:
  // Runs f as threads 0..n-1 of block b; returns when all have finished.
  void run(unsigned n, Idx b, const std::function<void()>& f) {
    while (workers_.size() < n) add_worker();
    job_ = &f;
    block_ = b;
    left_.store(n);
    for (unsigned t = 0; t < n; ++t) workers_[t]->go.release();
    done_.acquire();
  }
  ~EmuPool() {
    stop_ = true;
    for (auto& w : workers_) w->go.release();
    for (auto& w : workers_) w->th.join();
  }

 private:
  struct Worker {
    std::binary_semaphore go{0};
    std::thread th;
  };
  void add_worker() {
    auto w = std::make_unique<Worker>();
    const unsigned t = static_cast<unsigned>(workers_.size());
    Worker* me = w.get();
    w->th = std::thread([this, t, me] {
      for (;;) {
        me->go.acquire();
        if (stop_) return;
        threadIdx = {t, 0, 0};
        blockIdx = block_;
        (*job_)();
        if (left_.fetch_sub(1) == 1) done_.release();
      }
    });
    workers_.push_back(std::move(w));
  }
  std::vector<std::unique_ptr<Worker>> workers_;
  const std::function<void()>* job_ = nullptr;
  Idx block_;
  std::atomic<unsigned> left_{0};
  std::binary_semaphore done_{0};
  bool stop_ = false;
};
inline EmuPool g_pool;

// Blocks run one after another; the barriers of a block are reused by the next (every phase has completed).
inline void emu_launch(dim3 grid, dim3 block, const std::function<void()>& f) {
  gridDim = {grid.x, grid.y, grid.z};
  blockDim = {block.x, block.y, block.z};
  const unsigned n = block.x;
  EmuBlock b;
  b.block = std::make_unique<std::barrier<>>(n);
  for (unsigned w = 0; w < (n + 31) / 32; ++w) b.warp.push_back(std::make_unique<std::barrier<>>(std::min(32u, n - w * 32)));
  b.slots.resize(n);
  g_block = &b;
  for (unsigned z = 0; z < grid.z; ++z)
    for (unsigned y = 0; y < grid.y; ++y)
      for (unsigned x = 0; x < grid.x; ++x) g_pool.run(n, {x, y, z}, f);
}

// ---- runtime ---------------------------------------------------------------------------------------------
// What src/cuda/runtime.cu and the kernels call: one device ("emulated", 132 SMs), host memory, one implicit
// stream on which every launch and copy has finished when the call returns.
using cudaStream_t = void*;
using cudaMemPool_t = void*;
enum cudaError_t { cudaSuccess = 0, cudaErrorMemoryAllocation = 2, cudaErrorNotReady = 600, cudaErrorLaunchFailure = 719 };
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount };
enum cudaMemcpyKind { cudaMemcpyDeviceToHost, cudaMemcpyHostToDevice };
enum cudaMemPoolAttr { cudaMemPoolAttrReleaseThreshold };
constexpr unsigned cudaStreamNonBlocking = 1;
struct cudaDeviceProp {
  char name[256];
  int major, minor;
  size_t totalGlobalMem;
  int multiProcessorCount;
};
constexpr int kEmuMultiprocessors = 132;
inline const char* cudaGetErrorName(cudaError_t e) {
  return e == cudaErrorMemoryAllocation ? "cudaErrorMemoryAllocation" : e == cudaErrorLaunchFailure ? "cudaErrorLaunchFailure" : "cudaErrorEmu";
}
inline const char* cudaGetErrorString(cudaError_t e) {
  return e == cudaErrorLaunchFailure ? "a kernel broke a precondition of an emulated CUDA library call (printed on stderr)" : "emulated";
}
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
// Broken preconditions of emulated library calls (cub/cub.cuh here): counted, printed, and reported by the next
// stream synchronize as a launch failure, so the op that broke one fails with ERR_CUDA.
inline int g_emu_violations = 0;
inline int g_emu_reported = 0;
inline void emu_violation(const char* what) {
  std::lock_guard<std::mutex> l(g_atomic);
  ++g_emu_violations;
  std::fprintf(stderr, "EMULATION PRECONDITION: %s\n", what);
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) {
  std::lock_guard<std::mutex> l(g_atomic);
  if (g_emu_violations == g_emu_reported) return cudaSuccess;
  g_emu_reported = g_emu_violations;
  return cudaErrorLaunchFailure;
}
inline cudaError_t cudaStreamQuery(cudaStream_t s) { return cudaStreamSynchronize(s); }
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned) { *s = nullptr; return cudaSuccess; }
inline cudaError_t cudaRuntimeGetVersion(int* v) { *v = 12000; return cudaSuccess; }
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int) {
  *p = {};
  std::snprintf(p->name, sizeof p->name, "CUDA emulated on the host (test/cuda-emulation)");
  p->major = 9;
  p->minor = 0;
  p->totalGlobalMem = size_t{1} << 32;
  p->multiProcessorCount = kEmuMultiprocessors;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* p, int) { *p = nullptr; return cudaSuccess; }
inline cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t, cudaMemPoolAttr, void*) { return cudaSuccess; }
inline std::atomic<int> g_live_allocs{0};
inline cudaError_t cudaMalloc(void** p, size_t n) {
  *p = std::malloc(n);
  if (!*p) return cudaErrorMemoryAllocation;
  std::memset(*p, 0xA5, n);  // garbage, like fresh device memory
  ++g_live_allocs;
  return cudaSuccess;
}
template <class T>
cudaError_t cudaMalloc(T** p, size_t n) { return cudaMalloc(reinterpret_cast<void**>(p), n); }
inline cudaError_t cudaMallocAsync(void** p, size_t n, cudaStream_t) { return cudaMalloc(p, n); }
template <class T>
cudaError_t cudaMallocAsync(T** p, size_t n, cudaStream_t s) { return cudaMallocAsync(reinterpret_cast<void**>(p), n, s); }
inline cudaError_t cudaFree(void* p) {
  if (p) --g_live_allocs;
  std::free(p);
  return cudaSuccess;
}
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) { return cudaFree(p); }
inline cudaError_t cudaMemsetAsync(void* p, int v, size_t n, cudaStream_t) { std::memset(p, v, n); return cudaSuccess; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) { std::memcpy(d, s, n); return cudaSuccess; }
inline cudaError_t cudaGetDevice(int* d) { *d = 0; return cudaSuccess; }
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr, int) { *v = kEmuMultiprocessors; return cudaSuccess; }
