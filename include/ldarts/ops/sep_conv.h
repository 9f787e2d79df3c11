// DARTS separable convolution (sep_conv_3x3 / 5x5): (ReLU, depthwise k×k,
// pointwise 1×1, BN) twice, the stride on the first depthwise conv.
#pragma once

#include <torch/nn/modules/container/sequential.h>

#include "ldarts/ops/relu_conv_bn.h"

namespace ldarts {

class SepConvImpl : public torch::nn::Module {
 public:
  SepConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride, BatchNormSpec bn);
  torch::Tensor forward(const torch::Tensor& x);
  // The two halves, each relu_dw_pw_bn.
  std::vector<torch::nn::Sequential> halves() const { return {first, second}; }

 private:
  torch::nn::Sequential first{nullptr}, second{nullptr};
};
TORCH_MODULE(SepConv);

// ReLU → depthwise k×k (dilation d) → pointwise 1×1 → BN: one half of SepConv,
// and the whole of DilConv.
torch::nn::Sequential relu_dw_pw_bn(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                                    int64_t dilation, BatchNormSpec bn);

}  // namespace ldarts
