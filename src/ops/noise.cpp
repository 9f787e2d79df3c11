#include "ldarts/ops/noise.h"
#include "ldarts/ops/zero.h"

#include <ATen/ATen.h>

namespace ldarts {

NoiseImpl::NoiseImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : out_channels_(out_channels), stride_(stride) {
  (void)in_channels;
}

torch::Tensor NoiseImpl::forward(const torch::Tensor& x) {
  return at::randn(strided_shape(x, out_channels_, stride_), x.options());
}

}  // namespace ldarts
