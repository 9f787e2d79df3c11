// RobustDARTS space S1 (Zela et al. 2020): a different pair of ops on every
// edge, and different pairs in normal and reduction cells (their spaces.py).
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace s1_space() {
  const std::vector<std::vector<std::string>> normal = {
      {"skip_connect", "dil_conv_3x3"}, {"skip_connect", "dil_conv_5x5"}, {"skip_connect", "dil_conv_5x5"},
      {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"}, {"max_pool_3x3", "skip_connect"},
      {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"},
      {"skip_connect", "sep_conv_3x3"}, {"max_pool_3x3", "skip_connect"}, {"skip_connect", "dil_conv_3x3"},
      {"dil_conv_3x3", "dil_conv_5x5"}, {"dil_conv_3x3", "dil_conv_5x5"}};
  const std::vector<std::vector<std::string>> reduce = {
      {"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "dil_conv_3x3"}, {"max_pool_3x3", "avg_pool_3x3"},
      {"max_pool_3x3", "avg_pool_3x3"}, {"skip_connect", "dil_conv_5x5"}, {"max_pool_3x3", "avg_pool_3x3"},
      {"max_pool_3x3", "sep_conv_3x3"}, {"skip_connect", "dil_conv_3x3"}, {"skip_connect", "dil_conv_5x5"},
      {"max_pool_3x3", "avg_pool_3x3"}, {"max_pool_3x3", "avg_pool_3x3"}, {"skip_connect", "dil_conv_5x5"},
      {"skip_connect", "dil_conv_5x5"}, {"skip_connect", "dil_conv_5x5"}};
  return SearchSpace{"s1", CellKind::darts, {}, darts_edges(), 6, {CellType{"normal", normal}, CellType{"reduce", reduce}}};
}

}  // namespace ldarts
