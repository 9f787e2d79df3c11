#include "ldarts/ops/skip_dropout.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"

namespace ldarts {

SkipDropoutImpl::SkipDropoutImpl(std::shared_ptr<SkipDropoutControl> control)
    : control_(std::move(control)), index_(control_->modules++) {}

torch::Tensor SkipDropoutImpl::forward(const torch::Tensor& x) {
  const double p = control_->rate;
  if (!is_training() || p <= 0) return x;
  LDARTS_CHECK(p < 1, "skip-connection dropout rate ", p, " must be below 1");
  // The mask is drawn on the CPU from its own generator (the same bits on every
  // device), then moved to x's device.
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(derive_seed(control_->seed, {uint64_t(index_)}));
  const at::Tensor mask = at::empty(x.sizes(), x.options().device(at::kCPU)).bernoulli_(1 - p, generator);
  return x * mask.to(x.device(), /*non_blocking=*/false).div_(1 - p);
}

}  // namespace ldarts
