#include "ldarts/ops/dil_conv.h"

namespace ldarts {

DilConvImpl::DilConvImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                         BatchNormSpec bn) {
  op = register_module("op", relu_dw_pw_bn(in_channels, out_channels, kernel, stride, 2, bn));
}

torch::Tensor DilConvImpl::forward(const torch::Tensor& x) { return op->forward(x); }

}  // namespace ldarts
