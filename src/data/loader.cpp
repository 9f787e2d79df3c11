#include "ldarts/data/loader.h"

#include <chrono>

#include "ldarts/core/error.h"

namespace ldarts {

Prefetcher::Prefetcher(std::function<Batch(int64_t)> make, int64_t count, int threads, int depth)
    : make_(std::move(make)), count_(count), depth_(std::max(1, depth)) {
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
}

void Prefetcher::work() {
  for (;;) {
    int64_t k;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || issued_ >= count_ || issued_ < consumed_ + depth_; });
      if (stopping_ || issued_ >= count_) return;
      k = issued_++;
    }
    Batch batch;
    std::exception_ptr error;
    try {
      batch = make_(k);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error) failed_[k] = error;
      else ready_[k] = std::move(batch);
    }
    changed_.notify_all();
  }
}

Batch Prefetcher::next() {
  LDARTS_CHECK(consumed_ < count_, "the loader has no batch ", consumed_, " (", count_, " in all)");
  if (workers_.empty()) return make_(consumed_++);
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  const int64_t k = consumed_;
  changed_.wait(lock, [&] { return ready_.count(k) || failed_.count(k); });
  waited_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ++consumed_;
  if (failed_.count(k)) {
    std::exception_ptr error = failed_[k];
    failed_.erase(k);
    lock.unlock();
    changed_.notify_all();
    std::rethrow_exception(error);
  }
  Batch batch = std::move(ready_[k]);
  ready_.erase(k);
  lock.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace ldarts
