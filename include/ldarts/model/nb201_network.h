// The NAS-Bench-201 search network (supernet):
//   stem Conv3x3(C)+BN; N cells at C; ResNet block stride 2 (2C); N cells;
//   ResNet block (4C); N cells; BN, ReLU, global average pool, linear.
// The 3N search cells share α but each receives its own copy of softmax(α).
#pragma once

#include <vector>

#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include "ldarts/model/nb201_cell.h"

namespace ldarts {

struct Nb201NetworkOptions {
  int64_t channels = 16;        // C
  int64_t cells_per_stage = 5;  // N
  int64_t in_channels = 3;
  int64_t num_classes = 10;
};

class Nb201NetworkImpl : public torch::nn::Module {
 public:
  Nb201NetworkImpl(const SearchSpace& space, const Nb201NetworkOptions& options);
  // cell_weights: one [edges, ops] tensor per search cell, in order.
  torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights);
  int num_search_cells() const { return num_search_cells_; }
  // Which search cells the Λ regularizer acts on: all of them in NB201.
  std::vector<bool> regularized_cells() const { return std::vector<bool>(num_search_cells_, true); }
  // Every parameter but α (which the network does not own).
  std::vector<torch::Tensor> weights() { return parameters(); }

 private:
  torch::nn::Sequential stem{nullptr};
  torch::nn::ModuleList cells{nullptr};
  torch::nn::BatchNorm2d head_bn{nullptr};
  torch::nn::Linear classifier{nullptr};
  int num_search_cells_ = 0;
};
TORCH_MODULE(Nb201Network);

}  // namespace ldarts
