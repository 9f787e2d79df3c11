// The per-edge cell kernel (--cell-kernel per-edge), the straightforward
// reference: walk the edges by target node and add each edge's MixedOp output
// (every op of the edge, times its weight) to the target node.
#pragma once

#include <vector>

#include "ldarts/model/cell_evaluator.h"

namespace ldarts {

class PerEdgeSum : public CellEvaluator {
 public:
  // edges: the cell's edges, ordered by target node; mixed: their mixed ops.
  PerEdgeSum(const std::vector<Edge>& edges, const std::vector<MixedOp>& mixed);
  void evaluate(const torch::Tensor& weights, const torch::Tensor& edge_weights,
                std::vector<torch::Tensor>& nodes) const override;

 private:
  std::vector<Edge> edges_;
  std::vector<MixedOp> mixed_;
};

}  // namespace ldarts
