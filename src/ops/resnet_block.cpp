#include "ldarts/ops/resnet_block.h"

#include <torch/nn/functional/pooling.h>

namespace ldarts {

ResNetBlockImpl::ResNetBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : stride_(stride) {
  const BatchNormSpec bn{};  // affine, running statistics
  conv_a = register_module("conv_a", ReluConvBn(ReluConvBnOptions{in_channels, out_channels, 3, stride, 1, 1, bn}));
  conv_b = register_module("conv_b", ReluConvBn(ReluConvBnOptions{out_channels, out_channels, 3, 1, 1, 1, bn}));
  if (stride != 1 || in_channels != out_channels)
    shortcut = register_module(
        "shortcut",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 1).bias(false)));
}

torch::Tensor ResNetBlockImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  torch::Tensor residual = x;
  if (shortcut) {
    // ceil_mode: an odd input (e.g. 5x5) gives the same size as the strided conv (3x3); even inputs are unaffected.
    if (stride_ == 2) residual = F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).stride(2).ceil_mode(true));
    residual = shortcut(residual);
  }
  return residual + conv_b(conv_a(x));
}

}  // namespace ldarts
