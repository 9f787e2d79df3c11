// A whole search run: data, supernet, epochs of bilevel steps, and the run
// folder (config.toml, metrics.csv, steps.csv, alphas.jsonl, genotype.json).
#pragma once

#include <string>
#include <vector>

#include "ldarts/dist/communicator.h"
#include "ldarts/search/options.h"

namespace ldarts {

struct EpochSummary {
  int epoch = 0;
  double lr = 0;
  double train_loss = 0, train_acc = 0, valid_loss = 0, valid_acc = 0;
  double alignment_train = 0, alignment_valid = 0;
  double sign_alignment_train = 0, sign_alignment_valid = 0;
  std::string genotype;  // NB201 string
  double seconds = 0;
};

struct SearchResult {
  std::vector<EpochSummary> epochs;
  std::string genotype;  // final NB201 string
};

// Runs the search; rank 0 writes `resolved_config` and the logs into options.out.
SearchResult run_search(const SearchOptions& options, const std::string& resolved_config, Communicator& comm);

}  // namespace ldarts
