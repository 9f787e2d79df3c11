// P-DARTS (Chen et al. 2019; docs/methods.md §4): the search in stages. Each
// stage is a whole search run in <out>/stage-<s> with a deeper fresh supernet,
// fresh α and optimizers and fewer ops per edge; between stages every edge drops
// its lowest-weighted ops. With the priors a dropout follows every stride-1
// skip_connect and the final normal cell keeps at most 2 skip_connects.
#pragma once

#include <string>
#include <vector>

#include "ldarts/dist/communicator.h"
#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/options.h"
#include "ldarts/search/search_run.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

// --method p-darts' settings (its options; method_settings<PDartsSettings>(o, "p-darts")).
struct PDartsSettings {
  std::vector<int64_t> add_layers{0, 6, 12};  // cells added to `layers` in each stage
  std::vector<int64_t> keep_ops{5, 3, 1};     // ops per edge kept after each stage
  std::vector<double> skip_dropout{0.1, 0.4, 0.7};  // d_s of each stage's skip-connection dropout
  bool priors = true;  // false ("w/o priors", Table 6): no skip dropout and no skip limit
  int max_skips = 2;   // skip_connects the final normal cell keeps at most (with the priors)
  int stage = -1;      // set per stage by run_progressive: this search's stage from 0 (-1: none)
};

// The op names of every edge of one cell type, in α-column order.
using EdgeOps = std::vector<std::vector<std::string>>;

// The skip-dropout rate of epoch `epoch` (from 0) in a stage of `epochs` epochs
// whose α is frozen for the first `frozen` (train_search.py:152-158):
// d·(E − e − 1)/E while frozen, then d·exp(−0.2·(e − frozen)).
double skip_dropout_rate(double d, int epoch, int epochs, int frozen);

// Keeps `keep` ops on every edge by dropping the lowest softmax weights
// (get_min_k; ties drop the earlier op; `none` is an op like the others).
// probabilities: [edges·ops] row-major over `ops`. The last stage is not pruned:
// its final cell takes the best non-none op of each kept edge, which is what
// P-DARTS' get_min_k_no_zero leaves.
EdgeOps prune_ops(const EdgeOps& ops, const std::vector<float>& probabilities, int keep);

// `base` with these ops per edge, one EdgeOps per cell type.
SearchSpace stage_space(const SearchSpace& base, const std::vector<EdgeOps>& ops);

// The cell of `cell_type` with at most `max_skips` skip_connects: while more
// remain, the kept skip_connect of lowest weight gets weight 0 and the cell is
// derived again (P-DARTS' delete_min_sk_prob, keep_1_on, keep_2_branches).
DartsCellGenotype limit_skips(const SearchSpace& space, const std::string& cell_type,
                              std::vector<float> probabilities, int max_skips);

// The P-DARTS search of `options` (--method p-darts): the stages in order,
// resuming with --resume auto at the stage and step where it stopped.
SearchResult run_progressive(const SearchOptions& options, const std::string& resolved_config, Communicator& comm);

}  // namespace ldarts
