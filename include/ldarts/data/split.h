// The search split of a training set into a part for ω (train) and a part for α (valid).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ldarts {

struct SearchSplit {
  std::vector<int64_t> train;  // indices into the training set
  std::vector<int64_t> valid;
};

// NB201 split-file format: {"train": ["int", ["0","5",...]], "valid": ["int", [...]]}.
// Checks that indices are in [0, dataset_size) and the parts are disjoint.
SearchSplit read_split_file(const std::string& path, int64_t dataset_size);

// The first round(portion·n) indices for ω, the rest for α (as DARTS does;
// the sampler shuffles within each part).
SearchSplit fraction_split(int64_t n, double train_portion);

}  // namespace ldarts
