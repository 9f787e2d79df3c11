// DARTS FactorizedReduce: halves the resolution without losing half the pixels:
// ReLU, then two 1×1 stride-2 convs (C_out/2 each) on x and on x shifted by one
// pixel, concatenated, BN. skip_connect at stride 2 and the preprocessing after
// a reduction cell use it.
#pragma once

#include <torch/nn/modules/conv.h>

#include "ldarts/ops/relu_conv_bn.h"

namespace ldarts {

class FactorizedReduceImpl : public torch::nn::Module {
 public:
  FactorizedReduceImpl(int64_t in_channels, int64_t out_channels, BatchNormSpec bn);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv_1{nullptr}, conv_2{nullptr};
  BatchNorm bn{nullptr};
};
TORCH_MODULE(FactorizedReduce);

}  // namespace ldarts
