// RobustDARTS space S3 (Zela et al. 2020): {none, skip_connect, sep_conv_3x3} on every edge.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace s3_space() {
  const std::vector<std::string> ops = {"none", "skip_connect", "sep_conv_3x3"};
  return SearchSpace{"s3", CellKind::darts, ops, darts_edges(), 6, uniform_cell_types({"normal", "reduce"}, 14, ops)};
}

}  // namespace ldarts
