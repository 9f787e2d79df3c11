#include "ldarts/model/nb201_cell.h"

#include <string>

namespace ldarts {

Nb201CellImpl::Nb201CellImpl(const SearchSpace& space, int64_t channels, BatchNormSpec bn, bool fused,
                             int64_t partial_channels)
    : edges_(space.edges), nodes_(space.nodes) {
  for (const Edge& e : edges_) {
    // Stable checkpoint names: edge_<to>_<from>, as "to<-from" in NB201 strings.
    const std::string name = "edge_" + std::to_string(e.to) + "_" + std::to_string(e.from);
    MixedOpOptions o;
    o.in_channels = o.out_channels = channels, o.bn = bn, o.partial_channels = partial_channels;
    mixed_.push_back(register_module(name, MixedOp(space.cell_types.front().edge_ops[&e - &edges_[0]], o)));
  }
  if (fused) fused_ = std::make_shared<FusedEdges>(edges_, mixed_);
}

torch::Tensor Nb201CellImpl::forward(const torch::Tensor& x, const torch::Tensor& weights,
                                     std::vector<torch::Tensor>* traced) {
  std::vector<torch::Tensor> nodes(nodes_);
  nodes[0] = x;
  if (fused_) {
    for (int from = 0; from + 1 < nodes_; ++from) fused_->propagate(from, nodes[from], weights, {}, nodes);
    if (traced) *traced = nodes;
    return nodes[nodes_ - 1];
  }
  // Edges are ordered by target node, so every input is complete when used.
  for (size_t e = 0; e < edges_.size(); ++e) {
    torch::Tensor out = mixed_[e](nodes[edges_[e].from], weights[e]);
    torch::Tensor& node = nodes[edges_[e].to];
    node = node.defined() ? node + out : out;
  }
  if (traced) *traced = nodes;
  return nodes[nodes_ - 1];
}

}  // namespace ldarts
