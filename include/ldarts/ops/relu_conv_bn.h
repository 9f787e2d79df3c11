// ReLU -> Conv -> BN, the convolution op of NAS-Bench-201 (nor_conv_kxk) and the
// building block of its ResNet reduction cells.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "ldarts/ops/batch_norm.h"

namespace ldarts {

struct ReluConvBnOptions {
  int64_t in_channels, out_channels, kernel;
  int64_t stride = 1, padding = 0, dilation = 1;
  BatchNormSpec bn;
};

class ReluConvBnImpl : public torch::nn::Module {
 public:
  explicit ReluConvBnImpl(const ReluConvBnOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  const torch::nn::Conv2d& convolution() const { return conv; }
  const BatchNorm& norm() const { return bn; }

 private:
  torch::nn::Conv2d conv{nullptr};
  BatchNorm bn{nullptr};
};
TORCH_MODULE(ReluConvBn);

}  // namespace ldarts
