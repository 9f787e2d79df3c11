// The NAS-Bench-201 search cell: node 0 is the input, node j sums one mixed
// edge from every earlier node, node 3 is the output.
#pragma once

#include "ldarts/model/mixed_op.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

class Nb201CellImpl : public torch::nn::Module {
 public:
  Nb201CellImpl(const SearchSpace& space, int64_t channels, BatchNormSpec bn);
  // weights: [edges, ops], this cell's own copy of softmax(α)
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weights);

 private:
  std::vector<Edge> edges_;
  int nodes_;
  std::vector<MixedOp> mixed_;
};
TORCH_MODULE(Nb201Cell);

}  // namespace ldarts
