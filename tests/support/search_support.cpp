#include "support/search_support.h"

#include <torch/torch.h>

namespace ldarts::test {

SearchOptions tiny_search_options(const std::string& data_dir, const std::string& out) {
  SearchOptions o;
  o.dataset = "mnist", o.data_dir = data_dir;
  if (!out.empty()) o.out = out;
  o.channels = 4, o.cells_per_stage = 1, o.batch_size = 8;
  return o;
}

Batch random_batch(int64_t n, std::optional<uint64_t> seed, int64_t channels, int64_t size, int64_t classes) {
  if (seed) torch::manual_seed(*seed);
  torch::Tensor images = torch::randn({n, channels, size, size});
  torch::Tensor labels = torch::randint(0, classes, {n});
  return {images, labels};
}

}  // namespace ldarts::test
