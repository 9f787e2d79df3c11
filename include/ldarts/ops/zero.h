// The `none` op: zeros of the op's output shape. It still appears in the mixed
// sum so that its α column gets the same gradient treatment as the others.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace ldarts {

// The shape an op with `stride` and `channels` outputs for x: [N, channels, ⌈H/s⌉, ⌈W/s⌉].
std::vector<int64_t> strided_shape(const torch::Tensor& x, int64_t channels, int64_t stride);

class ZeroImpl : public torch::nn::Module {
 public:
  ZeroImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t out_channels_, stride_;
};
TORCH_MODULE(Zero);

}  // namespace ldarts
