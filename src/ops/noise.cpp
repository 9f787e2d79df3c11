#include "ldarts/ops/noise.h"

#include <ATen/ATen.h>

namespace ldarts {

NoiseImpl::NoiseImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : out_channels_(out_channels), stride_(stride) {
  (void)in_channels;
}

torch::Tensor NoiseImpl::forward(const torch::Tensor& x) {
  const int64_t h = (x.size(2) + stride_ - 1) / stride_;
  const int64_t w = (x.size(3) + stride_ - 1) / stride_;
  return at::randn({x.size(0), out_channels_, h, w}, x.options());
}

}  // namespace ldarts
