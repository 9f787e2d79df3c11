// Set-ups shared by the tests that search: the tiny search options and random batches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ldarts/data/augment.h"
#include "ldarts/search/options.h"

namespace ldarts::test {

// The tests' tiny NB201 search: C = 4, one cell per stage, global batch 8, on the
// MNIST-format files in `data_dir` (write_tiny_mnist), into `out` (when not empty).
// Everything else keeps SearchOptions' default: a test sets what it varies (epochs,
// steps, seed, ...) on the returned struct. A Searcher reads neither path nor the
// batch size, so tests that only build a Searcher call it without arguments.
SearchOptions tiny_search_options(const std::string& data_dir = "", const std::string& out = "");

// n images [n, channels, size, size] of torch::randn and their labels, torch::randint
// in [0, classes), drawn in that order from LibTorch's global generator, which
// torch::manual_seed(seed) resets first when a seed is given.
Batch random_batch(int64_t n, std::optional<uint64_t> seed = std::nullopt, int64_t channels = 1, int64_t size = 8,
                   int64_t classes = 10);

}  // namespace ldarts::test
