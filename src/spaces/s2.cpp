// RobustDARTS space S2 (Zela et al. 2020): {skip_connect, sep_conv_3x3} on every edge.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace s2_space() {
  const std::vector<std::string> ops = {"skip_connect", "sep_conv_3x3"};
  return SearchSpace{"s2", CellKind::darts, ops, darts_edges(), 6, uniform_cell_types({"normal", "reduce"}, 14, ops)};
}

}  // namespace ldarts
