// A prefetching loader: worker threads build the next batches (reading,
// decoding, augmenting) while the step runs, into a bounded window of ready
// batches. Batches come out in order whatever the number of threads, and
// their contents do not depend on it. An exception in a worker reaches the
// caller of next() for that batch (with the file name in its message); the
// destructor stops and joins the workers, also when the loop is left early.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "ldarts/data/augment.h"

namespace ldarts {

class Prefetcher {
 public:
  // make(k) builds batch k for k in [0, count); `threads` workers (0: build in
  // next() on the caller's thread) keep at most `depth` batches ready or in work.
  Prefetcher(std::function<Batch(int64_t)> make, int64_t count, int threads, int depth);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Batch k = 0, 1, ... in order; rethrows what its worker threw.
  Batch next();
  // Seconds next() spent waiting for a batch so far (the data's share of the loop).
  double wait_seconds() const { return waited_; }

 private:
  void work();

  std::function<Batch(int64_t)> make_;
  int64_t count_, depth_;
  int64_t issued_ = 0, consumed_ = 0;
  std::map<int64_t, Batch> ready_;
  std::map<int64_t, std::exception_ptr> failed_;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
  double waited_ = 0;
};

}  // namespace ldarts
