// A seeded shuffling sampler, sharded across ranks like a distributed sampler:
// the order of epoch e depends only on (seed, e); each global batch of
// `global_batch` positions is cut into `world` disjoint shares of equal size,
// and rank r takes share r. The tail that does not fill a global batch is
// dropped or padded (a setting).
#pragma once

#include <cstdint>
#include <vector>

namespace ldarts {

// The elements of `part` at `positions` (a sampler's positions into a split part).
std::vector<int64_t> gather(const std::vector<int64_t>& part, const std::vector<int64_t>& positions);

class ShardedSampler {
 public:
  // pad_tail: the last, incomplete global batch is kept and filled up with the
  // first positions of the epoch's order (every image seen); else it is dropped.
  ShardedSampler(int64_t size, int64_t global_batch, uint64_t seed, int rank = 0, int world = 1,
                 bool pad_tail = false);

  int64_t batches_per_epoch() const {
    return pad_tail_ ? (size_ + global_batch_ - 1) / global_batch_ : size_ / global_batch_;
  }
  int64_t local_batch() const { return global_batch_ / world_; }
  // Positions in [0, size) for this rank's share of global batch `step` of `epoch`.
  std::vector<int64_t> batch(int64_t epoch, int64_t step);
  // The whole order of an epoch (all ranks).
  std::vector<int64_t> epoch_order(int64_t epoch) const;

 private:
  int64_t size_, global_batch_;
  uint64_t seed_;
  int rank_, world_;
  bool pad_tail_;
  bool cached_ = false;
  int64_t cached_epoch_ = 0;
  std::vector<int64_t> order_;
};

}  // namespace ldarts
