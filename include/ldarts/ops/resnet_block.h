// The ResNet basic block NAS-Bench-201 uses between its stages:
// out = shortcut(x) + ReLUConvBN3x3(ReLUConvBN3x3_stride(x)), where the shortcut
// is AvgPool2x2 -> Conv1x1 when shape changes.
#pragma once

#include "ldarts/ops/relu_conv_bn.h"

namespace ldarts {

class ResNetBlockImpl : public torch::nn::Module {
 public:
  ResNetBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  ReluConvBn conv_a{nullptr}, conv_b{nullptr};
  torch::nn::Conv2d shortcut{nullptr};
  int64_t stride_;
};
TORCH_MODULE(ResNetBlock);

}  // namespace ldarts
