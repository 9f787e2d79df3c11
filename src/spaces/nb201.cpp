// NAS-Bench-201 (Dong & Yang, ICLR 2020): 4 nodes, 6 edges, 5 ops; node 3 is
// the cell output.
#include "ldarts/spaces/space.h"

namespace ldarts {

SearchSpace nb201_space() {
  const std::vector<std::string> ops = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
  const std::vector<Edge> edges = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};  // 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2
  return SearchSpace{"nb201", CellKind::nb201, ops, edges, 4, uniform_cell_types({"cell"}, 6, ops)};
}

}  // namespace ldarts
