// Threading for the CPU kernels: OpenMP with a process-wide thread count set from JS (setThreads).
#pragma once
#include <cstdint>
#include <exception>
#include <mutex>

namespace lth {

int num_threads();
void set_num_threads(int n);  // n >= 1

// Run f(begin, end) over [0, n) split into at most num_threads() contiguous chunks of at least `grain`
// items. Small problems run inline on the calling thread. An exception thrown by f is carried out of the
// parallel region and rethrown on the caller (escaping an OpenMP region would terminate the process).
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  int64_t max_chunks = grain > 0 ? (n + grain - 1) / grain : n;
  int64_t chunks = num_threads() < max_chunks ? num_threads() : max_chunks;
  if (chunks <= 1) {
    f(int64_t{0}, n);
    return;
  }
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel for num_threads(static_cast<int>(chunks)) schedule(static, 1)
  for (int64_t c = 0; c < chunks; ++c) {
    int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
    try {
      f(b, e);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lth
