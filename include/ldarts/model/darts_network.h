// The DARTS search network (supernet). CIFAR form (32×32 inputs): stem
// Conv3×3(3C)+BN. ImageNet form (§A.7, PC-DARTS, 224×224 inputs): stem0 =
// Conv3×3/2(C/2)+BN+ReLU+Conv3×3/2(C)+BN, stem1 = ReLU+Conv3×3/2(C)+BN, so the
// cells start at 28×28 with a reduced older input. Then L cells with reduction
// cells at L/3 and 2L/3 (channels doubled); global average pool, linear.
// Normal and reduction cells have separate α; every cell receives its own copy
// of softmax(α of its type). Optional PC-DARTS partial channels (K) and edge
// normalization (β per cell type, softmax over each node's incoming edges).
#pragma once

#include <vector>

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include "ldarts/model/darts_cell.h"
#include "ldarts/model/search_network.h"

namespace ldarts {

struct DartsNetworkOptions {
  int64_t channels = 16;  // C
  int64_t layers = 8;     // L
  int64_t in_channels = 3;
  int64_t num_classes = 10;
  int64_t stem_multiplier = 3;
  bool imagenet = false;
  int64_t partial_channels = 1;
  bool edge_normalization = false;
  CellKernel cell_kernel = CellKernel::fused;  // how every cell evaluates its edges
  bool skip_dropout = false;  // P-DARTS: a dropout after every stride-1 skip_connect (rate: set_skip_dropout)
};

class DartsNetworkImpl : public SearchNetworkImpl {
 public:
  DartsNetworkImpl(const SearchSpace& space, const DartsNetworkOptions& options);
  // cell_weights: one [edges, ops] tensor per cell, in order (normal or reduce α by cell_type(i)).
  torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights) override;
  // Index into space.cell_types of each cell (0 normal, 1 reduce).
  const std::vector<int>& cell_types() const override { return types_; }
  std::vector<int> cell_stages() const override;
  MixedOpImpl& edge_op(int cell, int edge) override;
  std::vector<torch::Tensor> edge_parameters() const override { return betas_; }
  torch::Tensor edge_weights(int cell_type) const override;

 private:
  torch::nn::Sequential stem{nullptr}, stem1{nullptr};  // stem1: ImageNet form only
  torch::nn::ModuleList cells{nullptr};
  torch::nn::Linear classifier{nullptr};
  std::vector<int> types_;
  std::vector<torch::Tensor> betas_;  // [edges] per cell type, with edge normalization
  SearchSpace space_;  // edges and nodes, for edge normalization
};
TORCH_MODULE(DartsNetwork);

// PC-DARTS edge normalization: softmax of β over the edges entering each node ([edges]).
torch::Tensor edge_softmax(const torch::Tensor& beta, const SearchSpace& space);

}  // namespace ldarts
