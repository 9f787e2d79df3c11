// RobustDARTS space S4 (Zela et al. 2020): {noise, sep_conv_3x3} on every edge.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace s4_space() {
  const std::vector<std::string> ops = {"noise", "sep_conv_3x3"};
  return SearchSpace{"s4", CellKind::darts, ops, darts_edges(), 6, uniform_cell_types({"normal", "reduce"}, 14, ops)};
}

}  // namespace ldarts
