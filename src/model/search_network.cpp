#include "ldarts/model/search_network.h"

#include "ldarts/model/darts_network.h"
#include "ldarts/model/nb201_network.h"

namespace ldarts {

SearchNetwork make_search_network(const SearchSpace& space, const SearchNetworkOptions& o) {
  if (space.kind == CellKind::nb201)
    return Nb201Network(space, Nb201NetworkOptions{o.channels, o.cells_per_stage, o.in_channels, o.num_classes}).ptr();
  return DartsNetwork(space, DartsNetworkOptions{o.channels, o.layers, o.in_channels, o.num_classes}).ptr();
}

}  // namespace ldarts
