// 3x3 average pooling that excludes the padding from the average
// (NB201 avg_pool_3x3); a 1x1 ReLU-Conv-BN first when the channel count changes.
#pragma once

#include "ldarts/ops/relu_conv_bn.h"

namespace ldarts {

class AvgPoolImpl : public torch::nn::Module {
 public:
  AvgPoolImpl(int64_t in_channels, int64_t out_channels, int64_t stride, BatchNormSpec bn);
  torch::Tensor forward(const torch::Tensor& x);
  int64_t stride() const { return stride_; }
  bool has_preprocess() const { return !preprocess.is_empty(); }

 private:
  ReluConvBn preprocess{nullptr};
  int64_t stride_;
};
TORCH_MODULE(AvgPool);

}  // namespace ldarts
