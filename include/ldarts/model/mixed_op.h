// A mixed edge: sum over ops of p_o * op(x), with p one row of a cell's copy
// of softmax(α). With partial channels K > 1 (PC-DARTS) only the first C/K
// channels go through the ops; the rest bypass them (2×2 max-pooled at stride
// 2) and the two parts are concatenated and channel-shuffled in K groups.
#pragma once

#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/modulelist.h>

#include "ldarts/ops/relu_conv_bn.h"
#include "ldarts/ops/skip_dropout.h"

namespace ldarts {

// Builds the named op of the search spaces. Unknown names are a user error.
torch::nn::AnyModule make_op(const std::string& name, int64_t in_channels, int64_t out_channels,
                             int64_t stride, BatchNormSpec bn);

// A pooling op followed by a BN without affine parameters (DARTS' MixedOp).
class PoolBnImpl : public torch::nn::Module {
 public:
  PoolBnImpl(torch::nn::AnyModule pool, int64_t channels, BatchNormSpec bn);
  torch::Tensor forward(const torch::Tensor& x);
  const BatchNorm& norm() const { return bn_; }

 private:
  torch::nn::AnyModule pool_;
  BatchNorm bn_{nullptr};
};
TORCH_MODULE(PoolBn);

struct MixedOpOptions {
  int64_t in_channels = 16, out_channels = 16, stride = 1;
  BatchNormSpec bn;
  // Follow pooling ops by a BN without affine parameters, as the DARTS search
  // code does (its pooled outputs are otherwise on another scale).
  bool pool_bn = false;
  int64_t partial_channels = 1;  // PC-DARTS K
  // P-DARTS: a stride-1 skip_connect is followed by a dropout driven by this (nullptr: none).
  std::shared_ptr<SkipDropoutControl> skip_dropout;
};

class MixedOpImpl : public torch::nn::Module {
 public:
  MixedOpImpl(const std::vector<std::string>& op_names, const MixedOpOptions& options);
  // weights: [ops]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weights);

  // For the fused cell kernel (model/fused_edges.h): the ops in α-column order.
  const std::vector<torch::nn::AnyModule>& ops() const { return ops_; }
  const std::vector<std::string>& op_names() const { return names_; }
  int64_t partial_channels() const { return partial_; }
  int64_t stride() const { return stride_; }

 private:
  torch::Tensor mix(const torch::Tensor& x, const torch::Tensor& weights);

  std::vector<torch::nn::AnyModule> ops_;
  std::vector<std::string> names_;
  int64_t partial_ = 1, stride_ = 1;
};
TORCH_MODULE(MixedOp);

}  // namespace ldarts
