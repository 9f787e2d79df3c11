// The `noise` op of RobustDARTS' space S4: standard normal noise of the op's
// output shape (the input only sets the shape).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace ldarts {

class NoiseImpl : public torch::nn::Module {
 public:
  NoiseImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t out_channels_, stride_;
};
TORCH_MODULE(Noise);

}  // namespace ldarts
