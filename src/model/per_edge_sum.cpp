#include "ldarts/model/per_edge_sum.h"

#include "ldarts/core/error.h"

namespace ldarts {

PerEdgeSum::PerEdgeSum(const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed)
    : edges_(edges), mixed_(mixed) {
  LDARTS_CHECK(edges.size() == mixed.size(), "PerEdgeSum: ", edges.size(), " edges but ", mixed.size(), " mixed ops");
}

void PerEdgeSum::evaluate(const torch::Tensor& weights, const torch::Tensor& edge_weights,
                          std::vector<torch::Tensor>& nodes) const {
  // Edges are ordered by target node, so every input is complete when used.
  for (size_t e = 0; e < edges_.size(); ++e) {
    MixedOp op = mixed_[e];  // a handle (forward is not const)
    torch::Tensor out = op(nodes[edges_[e].from], weights[e]);
    if (edge_weights.defined()) out = edge_weights[e] * out;
    torch::Tensor& node = nodes[edges_[e].to];
    node = node.defined() ? node + out : out;
  }
}

extern const CellKernelRegistration per_edge_cell_kernel{
    CellKernel::per_edge, [](const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed) {
      return std::unique_ptr<CellEvaluator>(std::make_unique<PerEdgeSum>(edges, mixed));
    }};

}  // namespace ldarts
