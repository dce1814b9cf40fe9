#include "parallel.h"

#include <omp.h>

#include <algorithm>
#include <thread>

#include "errors.h"

namespace lth {

namespace {
int& thread_count() {
  static int n = [] {
    unsigned hw = std::thread::hardware_concurrency();
    return static_cast<int>(std::max(1u, hw));
  }();
  return n;
}
}  // namespace

int num_threads() { return thread_count(); }

void set_num_threads(int n) {
  LTH_CHECK(n >= 1 && n <= 1024, code::kArg, "threads must be in [1, 1024], got ", n);
  thread_count() = n;
  omp_set_num_threads(n);
}

}  // namespace lth
