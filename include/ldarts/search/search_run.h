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

struct SearchSpace;

struct SearchResult {
  std::vector<EpochSummary> epochs;
  std::string genotype;  // final genotype: NB201 string or DARTS' Genotype(...) text
  bool connected = true;  // the final cell's input reaches its output (cell_health.h)
  std::vector<std::vector<float>> probabilities;  // final softmax(α) per cell type, [edges·ops] row-major
};

// Runs the search; rank 0 writes `resolved_config` and the logs into options.out.
// --method p-darts runs its stages (search/progressive.h).
SearchResult run_search(const SearchOptions& options, const std::string& resolved_config, Communicator& comm);

// One search run on `space` (P-DARTS: one stage, on the stage's ops).
SearchResult run_search_in(const SearchOptions& options, const SearchSpace& space, const std::string& resolved_config,
                           Communicator& comm);

}  // namespace ldarts
