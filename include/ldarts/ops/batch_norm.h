// BatchNorm over [N, C, H, W] with the parameter and buffer names of LibTorch's
// BatchNorm2d (weight, bias, running_mean, running_var, num_batches_tracked),
// and one addition: synchronized across ranks (SyncBN). With a communicator of
// more than one rank, a training-mode forward normalizes with the mean and
// variance of the global batch; the statistics go through a differentiable
// all-reduce, so the backward pass is that of BN on the concatenated batch.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace ldarts {

class Communicator;

// BatchNorm settings shared by all ops of a network.
struct BatchNormSpec {
  bool affine = true;
  bool track_running_stats = true;
};

class BatchNormImpl : public torch::nn::Module {
 public:
  BatchNormImpl(int64_t channels, BatchNormSpec spec);
  torch::Tensor forward(const torch::Tensor& x);
  // Statistics over all ranks of `comm` from now on (nullptr: this rank's batch).
  void synchronize(Communicator* comm) { comm_ = comm; }
  // True when the forward pass is a pure function of x and the affine
  // parameters: batch statistics, no running statistics, no SyncBN (the
  // search cells' BN); the fused cell kernel batches only these.
  bool stateless() const { return !spec_.track_running_stats && comm_ == nullptr; }
  const torch::Tensor& affine_weight() const { return weight; }  // undefined without affine
  const torch::Tensor& affine_bias() const { return bias; }

  static constexpr double kMomentum = 0.1, kEps = 1e-5;

 private:
  torch::Tensor synchronized_forward(const torch::Tensor& x);

  BatchNormSpec spec_;
  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;
  Communicator* comm_ = nullptr;
};
TORCH_MODULE(BatchNorm);

BatchNorm make_batch_norm(int64_t channels, BatchNormSpec bn);

// torch::batch_norm with eps kEps and momentum kMomentum, whose float32 result
// has the accuracy of LibTorch's NCHW CPU kernel whatever the memory format.
// LibTorch 2.11's channels-last CPU kernel is about 100x less accurate in
// training mode (batch statistics): 8e-6 against 8e-8 relative for an input
// of mean 5 and std 3, forward and backward, enough to drown Λ's finite
// differences (docs/benchmarks.md, "Float32 fidelity"). A channels-last CPU
// input is therefore normalized in NCHW and returned channels-last; every
// other case calls torch::batch_norm as it is.
torch::Tensor batch_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                         const torch::Tensor& running_mean, const torch::Tensor& running_var, bool training);

// Turns every BatchNorm of `module` into SyncBN over `comm`.
void synchronize_batch_norms(torch::nn::Module& module, Communicator& comm);

// Sum over ranks with the gradient of a sum: the backward pass all-reduces too.
torch::Tensor differentiable_all_reduce_sum(const torch::Tensor& x, Communicator& comm);

}  // namespace ldarts
