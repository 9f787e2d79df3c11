#include "ldarts/ops/batch_norm.h"

#include <torch/torch.h>

#include "ldarts/dist/communicator.h"

namespace ldarts {
namespace {

at::Tensor sum_over_ranks(const at::Tensor& x, Communicator& comm) {
  std::vector<at::Tensor> t{x.clone()};
  comm.all_reduce_mean(t);
  return t[0] * static_cast<double>(comm.world_size());
}

struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, Communicator* comm) {
    ctx->saved_data["comm"] = reinterpret_cast<int64_t>(comm);
    return sum_over_ranks(x, *comm);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto* comm = reinterpret_cast<Communicator*>(ctx->saved_data["comm"].toInt());
    return {sum_over_ranks(grads[0], *comm), torch::Tensor()};
  }
};

// x in `format`, with the gradient returned in x's own format. (Tensor::contiguous
// passes the gradient back unchanged, so an NCHW detour would hand NCHW gradients
// to the channels-last convolutions before it, whose backward then runs slower.)
struct ToFormat : public torch::autograd::Function<ToFormat> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, bool channels_last) {
    ctx->saved_data["back"] = !channels_last;
    return x.contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const bool channels_last = ctx->saved_data["back"].toBool();
    return {grads[0].contiguous(channels_last ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous),
            torch::Tensor()};
  }
};

}  // namespace

torch::Tensor differentiable_all_reduce_sum(const torch::Tensor& x, Communicator& comm) {
  return AllReduceSum::apply(x, &comm);
}

BatchNormImpl::BatchNormImpl(int64_t channels, BatchNormSpec spec) : spec_(spec) {
  if (spec.affine) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
  }
  if (spec.track_running_stats) {
    running_mean = register_buffer("running_mean", torch::zeros({channels}));
    running_var = register_buffer("running_var", torch::ones({channels}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  }
}

torch::Tensor BatchNormImpl::forward(const torch::Tensor& x) {
  const bool batch_stats = is_training() || !spec_.track_running_stats;
  if (batch_stats && comm_ != nullptr && comm_->world_size() > 1) return synchronized_forward(x);
  if (is_training() && spec_.track_running_stats) {
    torch::NoGradGuard no_grad;
    num_batches_tracked.add_(1);
  }
  return batch_norm(x, weight, bias, running_mean, running_var, batch_stats);
}

torch::Tensor BatchNormImpl::synchronized_forward(const torch::Tensor& x) {
  const int64_t channels = x.size(1);
  const double local_count = static_cast<double>(x.numel() / channels);
  // Statistics in float (also under bf16 autocast), summed over ranks.
  const torch::Tensor xf = x.to(torch::kFloat);
  const torch::Tensor local = torch::cat({xf.sum({0, 2, 3}), (xf * xf).sum({0, 2, 3}),
                                          torch::full({1}, local_count, xf.options())});
  const torch::Tensor global = differentiable_all_reduce_sum(local, *comm_);
  const torch::Tensor count = global[2 * channels];
  const torch::Tensor mean = global.narrow(0, 0, channels) / count;
  // Biased, as BN normalizes; E[x²] − mean² can round below 0.
  const torch::Tensor var = (global.narrow(0, channels, channels) / count - mean * mean).clamp_min(0);
  torch::Tensor y = (xf - mean.view({1, -1, 1, 1})) * torch::rsqrt(var + kEps).view({1, -1, 1, 1});
  if (spec_.affine) y = y * weight.view({1, -1, 1, 1}) + bias.view({1, -1, 1, 1});
  y = y.to(x.scalar_type());
  if (is_training() && spec_.track_running_stats) {
    torch::NoGradGuard no_grad;
    const double n = count.item<double>();
    running_mean.mul_(1 - kMomentum).add_(mean.detach(), kMomentum);
    running_var.mul_(1 - kMomentum).add_(var.detach() * (n / std::max(1.0, n - 1)), kMomentum);
    num_batches_tracked.add_(1);
  }
  return y;
}

BatchNorm make_batch_norm(int64_t channels, BatchNormSpec bn) { return BatchNorm(channels, bn); }

torch::Tensor batch_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                         const torch::Tensor& running_mean, const torch::Tensor& running_var, bool training) {
  const bool cudnn = at::globalContext().userEnabledCuDNN();
  const bool channels_last = x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  if (!training || !x.device().is_cpu() || !channels_last)
    return torch::batch_norm(x, weight, bias, running_mean, running_var, training, BatchNormImpl::kMomentum,
                             BatchNormImpl::kEps, cudnn);
  // The gradients take the same detour back (ToFormat), so that the convolutions
  // around the BN see channels-last tensors in both passes.
  const torch::Tensor y = torch::batch_norm(ToFormat::apply(x, false), weight, bias, running_mean, running_var,
                                            training, BatchNormImpl::kMomentum, BatchNormImpl::kEps, cudnn);
  return ToFormat::apply(y, true);
}

void synchronize_batch_norms(torch::nn::Module& module, Communicator& comm) {
  for (const auto& m : module.modules())
    if (auto* bn = m->as<BatchNormImpl>()) bn->synchronize(&comm);
}

}  // namespace ldarts
