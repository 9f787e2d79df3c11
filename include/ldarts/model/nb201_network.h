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
#include "ldarts/model/search_network.h"

namespace ldarts {

struct Nb201NetworkOptions {
  int64_t channels = 16;        // C
  int64_t cells_per_stage = 5;  // N
  int64_t in_channels = 3;
  int64_t num_classes = 10;
  BatchNormSpec cell_bn{false, false};  // search cells: no affine parameters, batch statistics
  CellKernel cell_kernel = CellKernel::fused;  // how every cell evaluates its edges
  int64_t partial_channels = 1;  // PC-DARTS K (--method pc-darts on NB201, as Lambda-DARTS' PCDARTS.py)
};

class Nb201NetworkImpl : public SearchNetworkImpl {
 public:
  Nb201NetworkImpl(const SearchSpace& space, const Nb201NetworkOptions& options);
  // cell_weights: one [edges, ops] tensor per search cell, in order.
  torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights) override;
  // One cell type.
  const std::vector<int>& cell_types() const override { return types_; }
  std::vector<int> cell_stages() const override;
  MixedOpImpl& edge_op(int cell, int edge) override;

 private:
  torch::nn::Sequential stem{nullptr};
  torch::nn::ModuleList cells{nullptr};
  BatchNorm head_bn{nullptr};
  torch::nn::Linear classifier{nullptr};
  std::vector<int> types_;
};
TORCH_MODULE(Nb201Network);

}  // namespace ldarts
