#include "ldarts/ops/avg_pool.h"

#include <torch/nn/functional/pooling.h>

namespace ldarts {

AvgPoolImpl::AvgPoolImpl(int64_t in_channels, int64_t out_channels, int64_t stride,
                         BatchNormSpec bn)
    : stride_(stride) {
  if (in_channels != out_channels)
    preprocess = register_module(
        "preprocess", ReluConvBn(ReluConvBnOptions{in_channels, out_channels, 1, 1, 0, 1, bn}));
}

torch::Tensor AvgPoolImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  const torch::Tensor in = preprocess ? preprocess(x) : x;
  return F::avg_pool2d(in, F::AvgPool2dFuncOptions(3).stride(stride_).padding(1).count_include_pad(false));
}

}  // namespace ldarts
