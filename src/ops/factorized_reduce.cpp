#include "ldarts/ops/factorized_reduce.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/padding.h>

#include "ldarts/core/error.h"

namespace ldarts {

FactorizedReduceImpl::FactorizedReduceImpl(int64_t in_channels, int64_t out_channels, BatchNormSpec spec) {
  LDARTS_CHECK(out_channels % 2 == 0, "FactorizedReduce needs an even channel count, got ", out_channels);
  auto half = [&] {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels / 2, 1).stride(2).bias(false));
  };
  conv_1 = register_module("conv_1", half());
  conv_2 = register_module("conv_2", half());
  bn = register_module("bn", make_batch_norm(out_channels, spec));
}

torch::Tensor FactorizedReduceImpl::forward(const torch::Tensor& x) {
  const torch::Tensor a = torch::relu(x);
  // The shifted branch sees x[:, :, 1:, 1:]; padding it back keeps odd sizes aligned.
  const torch::Tensor shifted = torch::nn::functional::pad(
      a.narrow(2, 1, a.size(2) - 1).narrow(3, 1, a.size(3) - 1), torch::nn::functional::PadFuncOptions({0, 1, 0, 1}));
  return bn(torch::cat({conv_1(a), conv_2(shifted)}, 1));
}

}  // namespace ldarts
