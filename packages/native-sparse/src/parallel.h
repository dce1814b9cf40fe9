// Threading for the CPU kernels: a persistent pool where the calling thread takes part and never waits for
// a worker that has not started. Chunks are claimed from a shared counter, so when the other cores are busy
// (another process, a test runner) the caller simply runs every chunk itself instead of stalling at a
// fork-join barrier until a descheduled worker is scheduled again.
#pragma once
#include <cstdint>
#include <exception>
#include <type_traits>

namespace lth {

int num_threads();
void set_num_threads(int n);  // n >= 1

// True on a pool worker, and on the caller while it runs chunks: nested parallel_for calls run inline.
bool in_parallel_region();

namespace detail {
using ChunkFn = void (*)(void* ctx, int64_t chunk, int64_t chunks);
// Run fn(ctx, c, chunks) for c in [0, chunks) on the pool; returns when all are done. Rethrows the first
// exception a chunk threw (on the caller's thread).
void run_chunks(int64_t chunks, ChunkFn fn, void* ctx);
}  // namespace detail

// Run f(begin, end) over [0, n) split into at most num_threads() contiguous chunks of at least `grain`
// items. Small problems and nested calls run inline on the calling thread.
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  int64_t max_chunks = grain > 0 ? (n + grain - 1) / grain : n;
  int64_t chunks = num_threads() < max_chunks ? num_threads() : max_chunks;
  if (chunks <= 1 || in_parallel_region()) {
    f(int64_t{0}, n);
    return;
  }
  struct Ctx {
    std::remove_reference_t<F>* f;
    int64_t n;
  } ctx{&f, n};
  detail::run_chunks(
      chunks,
      [](void* p, int64_t c, int64_t cs) {
        auto* x = static_cast<Ctx*>(p);
        (*x->f)(x->n * c / cs, x->n * (c + 1) / cs);
      },
      &ctx);
}

}  // namespace lth
