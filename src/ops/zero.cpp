#include "ldarts/ops/zero.h"

#include <ATen/ATen.h>

namespace ldarts {

ZeroImpl::ZeroImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : out_channels_(out_channels), stride_(stride) {
  (void)in_channels;
}

std::vector<int64_t> strided_shape(const torch::Tensor& x, int64_t channels, int64_t stride) {
  return {x.size(0), channels, (x.size(2) + stride - 1) / stride, (x.size(3) + stride - 1) / stride};
}

torch::Tensor ZeroImpl::forward(const torch::Tensor& x) {
  return at::zeros(strided_shape(x, out_channels_, stride_), x.options());
}

}  // namespace ldarts
