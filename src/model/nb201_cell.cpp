#include "ldarts/model/nb201_cell.h"

#include <string>

namespace ldarts {

Nb201CellImpl::Nb201CellImpl(const SearchSpace& space, int64_t channels, BatchNormSpec bn, CellKernel kernel,
                             int64_t partial_channels)
    : nodes_(space.nodes) {
  for (size_t i = 0; i < space.edges.size(); ++i) {
    const Edge& e = space.edges[i];
    // Stable checkpoint names: edge_<to>_<from>, as "to<-from" in NB201 strings.
    const std::string name = "edge_" + std::to_string(e.to) + "_" + std::to_string(e.from);
    MixedOpOptions o;
    o.in_channels = o.out_channels = channels, o.bn = bn, o.partial_channels = partial_channels;
    mixed_.push_back(register_module(name, MixedOp(space.cell_types.front().edge_ops[i], o)));
  }
  evaluator_ = make_cell_evaluator(kernel, space.edges, mixed_);
}

torch::Tensor Nb201CellImpl::forward(const torch::Tensor& x, const torch::Tensor& weights,
                                     std::vector<torch::Tensor>* traced) {
  std::vector<torch::Tensor> nodes(nodes_);
  nodes[0] = x;
  evaluator_->evaluate(weights, {}, nodes);
  if (traced) *traced = nodes;
  return nodes[nodes_ - 1];
}

}  // namespace ldarts
