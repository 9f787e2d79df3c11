#include "ldarts/model/search_network.h"

#include <algorithm>

#include "ldarts/core/error.h"
#include "ldarts/model/darts_network.h"
#include "ldarts/model/nb201_network.h"
#include "ldarts/ops/skip_dropout.h"

namespace ldarts {

std::vector<torch::Tensor> SearchNetworkImpl::weights() {
  std::vector<torch::Tensor> out, edge = edge_parameters();
  for (const auto& p : parameters()) {
    const bool is_edge = std::any_of(edge.begin(), edge.end(), [&](const torch::Tensor& b) { return b.is_same(p); });
    if (!is_edge) out.push_back(p);
  }
  return out;
}

void SearchNetworkImpl::set_skip_dropout(double rate) {
  if (skip_dropout_) skip_dropout_->rate = rate;
}

void SearchNetworkImpl::set_noise_seed(uint64_t seed) {
  if (skip_dropout_) skip_dropout_->seed = seed;
}

SearchNetwork make_search_network(const SearchSpace& space, const SearchNetworkOptions& o) {
  if (space.kind == CellKind::nb201) {
    LDARTS_CHECK(!o.imagenet && !o.edge_normalization && !o.skip_dropout, "space ", space.name,
                 ": --network imagenet, --edge-normalization and skip dropout (p-darts) need a DARTS-family space");
    Nb201NetworkOptions n{o.channels, o.cells_per_stage, o.in_channels, o.num_classes, BatchNormSpec{false, false},
                          o.cell_kernel};
    n.partial_channels = o.partial_channels;
    return Nb201Network(space, n).ptr();
  }
  DartsNetworkOptions d;
  d.channels = o.channels, d.layers = o.layers, d.in_channels = o.in_channels, d.num_classes = o.num_classes;
  d.imagenet = o.imagenet, d.partial_channels = o.partial_channels, d.edge_normalization = o.edge_normalization;
  d.cell_kernel = o.cell_kernel, d.skip_dropout = o.skip_dropout;
  return DartsNetwork(space, d).ptr();
}

}  // namespace ldarts
