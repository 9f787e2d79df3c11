// The original DARTS space (Liu et al. 2019; RobustDARTS): 8 ops with `none` first.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace darts_none_space() {
  const std::vector<std::string> ops = {"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                                        "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
  return SearchSpace{"darts-none", CellKind::darts, ops, darts_edges(), 6,
                     uniform_cell_types({"normal", "reduce"}, 14, ops)};
}

}  // namespace ldarts
