#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "errors.h"

namespace lth {

namespace {

thread_local bool t_in_region = false;

struct RegionGuard {
  bool old;
  RegionGuard() : old(t_in_region) { t_in_region = true; }
  ~RegionGuard() { t_in_region = old; }
};

// One job at a time. `claim` packs (generation << 32 | next chunk): a worker that wakes late sees another
// generation and leaves without touching the finished job.
class Pool {
 public:
  explicit Pool(int workers) { resize(workers); }
  ~Pool() { stop_all(); }

  void resize(int workers) {
    stop_all();
    stop_ = false;
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { worker(); });
  }

  void run(int64_t chunks, detail::ChunkFn fn, void* ctx) {
    std::unique_lock<std::mutex> submit(submit_mutex_, std::try_to_lock);
    if (!submit.owns_lock() || threads_.empty()) {  // another thread is using the pool: run inline
      RegionGuard g;
      for (int64_t c = 0; c < chunks; ++c) fn(ctx, c, chunks);
      return;
    }
    fn_ = fn;
    ctx_ = ctx;
    chunks_.store(chunks, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    uint64_t gen;
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      gen = ++generation_;
      claim_.store(gen << 32, std::memory_order_release);
    }
    wake_.notify_all();
    {
      RegionGuard g;
      work(gen);
    }
    // Wait only for chunks that workers claimed and are still running.
    while (done_.load(std::memory_order_acquire) < chunks) std::this_thread::yield();
    // Retire the job so late workers see nothing to claim.
    claim_.store((gen << 32) | 0xffffffffu, std::memory_order_release);
    if (error_) std::rethrow_exception(error_);
  }

  int workers() const { return static_cast<int>(threads_.size()); }

 private:
  void work(uint64_t gen) {
    for (;;) {
      uint64_t v = claim_.load(std::memory_order_acquire);
      if ((v >> 32) != gen) return;
      uint64_t c = v & 0xffffffffu;
      const int64_t chunks = chunks_.load(std::memory_order_relaxed);
      if (c >= static_cast<uint64_t>(chunks)) return;
      if (!claim_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) continue;
      try {
        fn_(ctx_, static_cast<int64_t>(c), chunks);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void worker() {
    t_in_region = true;
    uint64_t seen = 0;
    for (;;) {
      uint64_t gen;
      {
        // Spin briefly first (cheap wake-ups for back-to-back small kernels), then sleep.
        for (int i = 0; i < 2000 && generation_.load(std::memory_order_acquire) == seen && !stop_; ++i) {
          std::this_thread::yield();
        }
        std::unique_lock<std::mutex> lock(wake_mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
        if (stop_) return;
        gen = generation_.load(std::memory_order_acquire);
      }
      seen = gen;
      work(gen);
    }
  }

  void stop_all() {
    {
      std::lock_guard<std::mutex> lock(wake_mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::vector<std::thread> threads_;
  std::mutex submit_mutex_, wake_mutex_, error_mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> claim_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<bool> stop_{false};
  detail::ChunkFn fn_ = nullptr;
  void* ctx_ = nullptr;
  std::atomic<int64_t> chunks_{0};
  std::exception_ptr error_;
};

int& thread_count() {
  static int n = [] {
    unsigned hw = std::thread::hardware_concurrency();
    return static_cast<int>(std::max(1u, hw));
  }();
  return n;
}

Pool& pool() {
  // Intentionally leaked: joining threads from a static destructor at process exit can deadlock.
  static Pool* p = new Pool(thread_count() - 1);
  return *p;
}

}  // namespace

int num_threads() { return thread_count(); }

bool in_parallel_region() { return t_in_region; }

void set_num_threads(int n) {
  LTH_CHECK(n >= 1 && n <= 1024, code::kArg, "threads must be in [1, 1024], got ", n);
  if (n == thread_count()) return;
  thread_count() = n;
  pool().resize(n - 1);
}

namespace detail {
void run_chunks(int64_t chunks, ChunkFn fn, void* ctx) { pool().run(chunks, fn, ctx); }
}  // namespace detail

}  // namespace lth
