#include "ldarts/data/sampler.h"

#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"

namespace ldarts {

std::vector<int64_t> gather(const std::vector<int64_t>& part, const std::vector<int64_t>& positions) {
  std::vector<int64_t> out;
  out.reserve(positions.size());
  for (int64_t p : positions) out.push_back(part.at(p));
  return out;
}

ShardedSampler::ShardedSampler(int64_t size, int64_t global_batch, uint64_t seed, int rank, int world, bool pad_tail)
    : size_(size), global_batch_(global_batch), seed_(seed), rank_(rank), world_(world), pad_tail_(pad_tail) {
  LDARTS_CHECK(world >= 1 && rank >= 0 && rank < world, "bad rank ", rank, " of world ", world);
  LDARTS_CHECK(global_batch > 0 && global_batch % world == 0, "batch size ", global_batch,
               " must be a positive multiple of the number of ranks (", world, ")");
  LDARTS_CHECK(size >= global_batch, "a split of ", size, " images is smaller than one batch of ",
               global_batch);
}

std::vector<int64_t> ShardedSampler::epoch_order(int64_t epoch) const {
  Rng rng(derive_seed(seed_, {static_cast<uint64_t>(epoch)}));
  return permutation(size_, rng);
}

std::vector<int64_t> ShardedSampler::batch(int64_t epoch, int64_t step) {
  LDARTS_CHECK(step >= 0 && step < batches_per_epoch(), "sampler step ", step, " out of range");
  if (!cached_ || epoch != cached_epoch_) {
    order_ = epoch_order(epoch);
    cached_epoch_ = epoch;
    cached_ = true;
  }
  const int64_t first = step * global_batch_ + rank_ * local_batch();
  std::vector<int64_t> out(local_batch());
  for (int64_t j = 0; j < local_batch(); ++j) out[j] = order_[(first + j) % size_];  // wraps only when padding
  return out;
}

}  // namespace ldarts
