// P-DARTS' dropout after a stride-1 skip_connect (docs/methods.md §4): inverted
// dropout whose rate the search schedules per epoch and whose masks are drawn
// from a seed the searcher sets per micro-batch pass, so that R ranks see the
// masks one process sees with R micro-batches, the ± passes of the Λ
// regularizer see the same masks as the pass they perturb, and a resume draws
// what the uninterrupted run drew.
#pragma once

#include <cstdint>
#include <memory>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace ldarts {

// Shared by every SkipDropout of one network.
struct SkipDropoutControl {
  double rate = 0;     // p of the current epoch
  uint64_t seed = 0;   // of the current pass; each module draws from derive_seed(seed, {its index})
  int64_t modules = 0;  // modules created so far (the next one's index)
};

class SkipDropoutImpl : public torch::nn::Module {
 public:
  explicit SkipDropoutImpl(std::shared_ptr<SkipDropoutControl> control);
  // x in evaluation mode or at rate 0; x·mask/(1 − p) with mask ~ Bernoulli(1 − p) in training mode.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  std::shared_ptr<SkipDropoutControl> control_;
  int64_t index_;
};
TORCH_MODULE(SkipDropout);

}  // namespace ldarts
