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
  // A stride-2 1×1 convolution is a 1×1 convolution of every other pixel. It
  // is computed that way because LibTorch 2.11's CPU (oneDNN) kernels for the
  // strided form were unreliable: on channels-last input the backward pass
  // wrote past the weight gradient (heap corruption, seen with valgrind), and
  // on NCHW float input the gradients were 0.5% off the float64 values
  // (tests/unit/test_darts_ops.cpp). conv_1/conv_2 keep their stride-2
  // options, names and shapes.
  auto every_other = [](const torch::Tensor& t) {
    return t.slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2);
  };
  return bn(torch::cat({torch::conv2d(every_other(a), conv_1->weight, conv_1->bias),
                        torch::conv2d(every_other(shifted), conv_2->weight, conv_2->bias)},
                       1));
}

}  // namespace ldarts
