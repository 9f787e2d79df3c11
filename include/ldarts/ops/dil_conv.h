// DARTS dilated convolution (dil_conv_3x3 / 5x5): ReLU, depthwise k×k with
// dilation 2, pointwise 1×1, BN.
#pragma once

#include "ldarts/ops/sep_conv.h"

namespace ldarts {

class DilConvImpl : public torch::nn::Module {
 public:
  DilConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride, BatchNormSpec bn);
  torch::Tensor forward(const torch::Tensor& x);
  const torch::nn::Sequential& chain() const { return op; }  // relu_dw_pw_bn

 private:
  torch::nn::Sequential op{nullptr};
};
TORCH_MODULE(DilConv);

}  // namespace ldarts
