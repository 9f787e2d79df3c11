#include "ldarts/model/darts_cell.h"

#include "ldarts/ops/factorized_reduce.h"

namespace ldarts {

DartsCellImpl::DartsCellImpl(const SearchSpace& space, const CellType& type, const DartsCellOptions& o,
                             BatchNormSpec bn)
    : nodes_(space.nodes), reduction_(o.reduction) {
  // After a reduction cell the older input has twice the resolution: reduce it.
  preprocess0_ = o.reduction_prev
                     ? torch::nn::AnyModule(FactorizedReduce(o.prev_prev_channels, o.channels, bn))
                     : torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{o.prev_prev_channels, o.channels, 1, 1, 0, 1, bn}));
  preprocess1_ = torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{o.prev_channels, o.channels, 1, 1, 0, 1, bn}));
  register_module("preprocess0", preprocess0_.ptr());
  register_module("preprocess1", preprocess1_.ptr());
  const std::vector<Edge>& edges = space.edges;
  for (size_t e = 0; e < edges.size(); ++e) {
    const int64_t stride = o.reduction && edges[e].from < 2 ? 2 : 1;
    const std::string name = "edge_" + std::to_string(edges[e].to) + "_" + std::to_string(edges[e].from);
    MixedOpOptions m;
    m.in_channels = m.out_channels = o.channels, m.stride = stride, m.bn = bn, m.pool_bn = true;
    m.partial_channels = o.partial_channels, m.skip_dropout = o.skip_dropout;
    mixed_.push_back(register_module(name, MixedOp(type.edge_ops[e], m)));
  }
  out_channels_ = (nodes_ - 2) * o.channels;
  evaluator_ = make_cell_evaluator(o.kernel, edges, mixed_);
}

torch::Tensor DartsCellImpl::forward(const torch::Tensor& s0, const torch::Tensor& s1, const torch::Tensor& weights,
                                     const torch::Tensor& edge_weights, std::vector<torch::Tensor>* traced) {
  std::vector<torch::Tensor> states(nodes_);
  states[0] = preprocess0_.forward(s0);
  states[1] = preprocess1_.forward(s1);
  evaluator_->evaluate(weights, edge_weights, states);
  if (traced) *traced = states;
  return torch::cat(std::vector<torch::Tensor>(states.begin() + 2, states.end()), 1);
}

}  // namespace ldarts
