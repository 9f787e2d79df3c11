#include "ldarts/ops/sep_conv.h"

#include <torch/nn/modules/activation.h>

namespace ldarts {

torch::nn::Sequential relu_dw_pw_bn(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                                    int64_t dilation, BatchNormSpec bn) {
  const int64_t padding = dilation * (kernel - 1) / 2;
  return torch::nn::Sequential(
      torch::nn::ReLU(),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, in_channels, kernel)
                            .stride(stride)
                            .padding(padding)
                            .dilation(dilation)
                            .groups(in_channels)
                            .bias(false)),
      torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 1).bias(false)),
      make_batch_norm(out_channels, bn));
}

SepConvImpl::SepConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                         BatchNormSpec bn) {
  first = register_module("first", relu_dw_pw_bn(in_channels, in_channels, kernel, stride, 1, bn));
  second = register_module("second", relu_dw_pw_bn(in_channels, out_channels, kernel, 1, 1, bn));
}

torch::Tensor SepConvImpl::forward(const torch::Tensor& x) { return second->forward(first->forward(x)); }

}  // namespace ldarts
