// A split of a training set into two parts: search: ω (train) and α (valid); evaluation
// training: the training images and the held-out validation images.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ldarts {

struct DataSplit {
  std::vector<int64_t> train;  // indices into the training set
  std::vector<int64_t> valid;
};

// NB201 split-file format: {"train": ["int", ["0","5",...]], "valid": ["int", [...]]}.
// Checks that indices are in [0, dataset_size) and the parts are disjoint.
DataSplit read_split_file(const std::string& path, int64_t dataset_size);

// The first round(portion·n) indices for ω, the rest for α (as DARTS does;
// the sampler shuffles within each part).
DataSplit fraction_split(int64_t n, double train_portion);

}  // namespace ldarts
