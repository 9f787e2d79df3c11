#include "ldarts/ops/relu_conv_bn.h"

#include <torch/nn/functional/activation.h>

namespace ldarts {

ReluConvBnImpl::ReluConvBnImpl(const ReluConvBnOptions& o) {
  conv = register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, o.out_channels, o.kernel)
                                    .stride(o.stride)
                                    .padding(o.padding)
                                    .dilation(o.dilation)
                                    .bias(false)));
  bn = register_module("bn", make_batch_norm(o.out_channels, o.bn));
}

torch::Tensor ReluConvBnImpl::forward(const torch::Tensor& x) {
  return bn(conv(torch::relu(x)));
}

}  // namespace ldarts
