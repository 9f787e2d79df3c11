// The NAS-Bench-201 search cell: node 0 is the input, node j sums one mixed
// edge from every earlier node, node 3 is the output.
#pragma once

#include "ldarts/model/cell_evaluator.h"
#include "ldarts/model/mixed_op.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

class Nb201CellImpl : public torch::nn::Module {
 public:
  // kernel: how the edges are evaluated (same parameters, same mathematics).
  // partial_channels: PC-DARTS K (1/K of the channels through the ops).
  Nb201CellImpl(const SearchSpace& space, int64_t channels, BatchNormSpec bn, CellKernel kernel = CellKernel::fused,
                int64_t partial_channels = 1);
  // weights: [edges, ops], this cell's own copy of softmax(α)
  // nodes: when given, receives the node states (input first).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weights, std::vector<torch::Tensor>* nodes = nullptr);
  MixedOpImpl& edge_op(int edge) { return *mixed_.at(edge); }

 private:
  int nodes_;
  std::vector<MixedOp> mixed_;
  std::unique_ptr<CellEvaluator> evaluator_;
};
TORCH_MODULE(Nb201Cell);

}  // namespace ldarts
