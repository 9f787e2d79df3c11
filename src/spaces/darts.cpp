// The DARTS space as the Λ-DARTS paper uses it (§5.2): 7 ops, no `none`.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace darts_space() {
  const std::vector<std::string> ops = {"max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                                        "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"};
  return SearchSpace{"darts", CellKind::darts, ops, darts_edges(), 6, uniform_cell_types({"normal", "reduce"}, 14, ops)};
}

}  // namespace ldarts
