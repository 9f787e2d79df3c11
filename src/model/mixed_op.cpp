#include "ldarts/model/mixed_op.h"

#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include "ldarts/core/error.h"
#include "ldarts/ops/avg_pool.h"
#include "ldarts/ops/channel_shuffle.h"
#include "ldarts/ops/dil_conv.h"
#include "ldarts/ops/factorized_reduce.h"
#include "ldarts/ops/noise.h"
#include "ldarts/ops/sep_conv.h"
#include "ldarts/ops/zero.h"

namespace ldarts {

torch::nn::AnyModule make_op(const std::string& name, int64_t in_channels, int64_t out_channels,
                             int64_t stride, BatchNormSpec bn) {
  if (name == "none") return torch::nn::AnyModule(Zero(in_channels, out_channels, stride));
  if (name == "skip_connect") {
    if (stride == 1 && in_channels == out_channels) return torch::nn::AnyModule(torch::nn::Identity());
    LDARTS_CHECK(stride == 2, "skip_connect from ", in_channels, " to ", out_channels, " channels at stride 1");
    return torch::nn::AnyModule(FactorizedReduce(in_channels, out_channels, bn));
  }
  if (name == "noise") return torch::nn::AnyModule(Noise(in_channels, out_channels, stride));
  if (name == "max_pool_3x3")
    return torch::nn::AnyModule(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(stride).padding(1)));
  if (name == "sep_conv_3x3") return torch::nn::AnyModule(SepConv(in_channels, out_channels, 3, stride, bn));
  if (name == "sep_conv_5x5") return torch::nn::AnyModule(SepConv(in_channels, out_channels, 5, stride, bn));
  if (name == "dil_conv_3x3")
    return torch::nn::AnyModule(DilConv(in_channels, out_channels, 3, stride, bn));
  if (name == "dil_conv_5x5")
    return torch::nn::AnyModule(DilConv(in_channels, out_channels, 5, stride, bn));
  if (name == "nor_conv_1x1")
    return torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{in_channels, out_channels, 1, stride, 0, 1, bn}));
  if (name == "nor_conv_3x3")
    return torch::nn::AnyModule(ReluConvBn(ReluConvBnOptions{in_channels, out_channels, 3, stride, 1, 1, bn}));
  if (name == "avg_pool_3x3") return torch::nn::AnyModule(AvgPool(in_channels, out_channels, stride, bn));
  fail("unknown operation '", name, "'");
}

PoolBnImpl::PoolBnImpl(torch::nn::AnyModule pool, int64_t channels, BatchNormSpec bn) : pool_(std::move(pool)) {
  register_module("pool", pool_.ptr());
  bn_ = register_module("bn", make_batch_norm(channels, BatchNormSpec{false, bn.track_running_stats}));
}

torch::Tensor PoolBnImpl::forward(const torch::Tensor& x) { return bn_(pool_.forward(x)); }

MixedOpImpl::MixedOpImpl(const std::vector<std::string>& op_names, const MixedOpOptions& o)
    : partial_(o.partial_channels), stride_(o.stride) {
  int64_t in_channels = o.in_channels, out_channels = o.out_channels;
  LDARTS_CHECK(partial_ >= 1 && in_channels % partial_ == 0 && out_channels % partial_ == 0,
               "--partial-channels ", partial_, " must divide the edge's ", in_channels, " channels");
  LDARTS_CHECK(partial_ == 1 || in_channels == out_channels, "partial channels need equal in/out channels");
  in_channels /= partial_, out_channels /= partial_;
  for (const std::string& name : op_names) {
    torch::nn::AnyModule op = make_op(name, in_channels, out_channels, o.stride, o.bn);
    if (o.pool_bn && name.find("pool") != std::string::npos) op = torch::nn::AnyModule(PoolBn(op, out_channels, o.bn));
    // P-DARTS: Dropout after every Identity (a stride-2 skip_connect is a FactorizedReduce).
    if (o.skip_dropout && op.ptr()->as<torch::nn::IdentityImpl>()) op = torch::nn::AnyModule(SkipDropout(o.skip_dropout));
    ops_.push_back(op);
    names_.push_back(name);
    register_module(name, ops_.back().ptr());
  }
}

torch::Tensor MixedOpImpl::forward(const torch::Tensor& x, const torch::Tensor& weights) {
  if (partial_ == 1) return mix(x, weights);
  const int64_t active = x.size(1) / partial_;
  const torch::Tensor mixed = mix(x.narrow(1, 0, active), weights);
  torch::Tensor bypass = x.narrow(1, active, x.size(1) - active);
  if (mixed.size(2) != x.size(2)) bypass = torch::max_pool2d(bypass, {stride_, stride_}, {stride_, stride_}, {0, 0}, {1, 1}, /*ceil_mode=*/true);
  return shuffle_channels(torch::cat({mixed, bypass}, 1), partial_);
}

torch::Tensor MixedOpImpl::mix(const torch::Tensor& x, const torch::Tensor& weights) {
  torch::Tensor sum;
  for (size_t o = 0; o < ops_.size(); ++o) {
    torch::Tensor term = weights[o] * ops_[o].forward(x);
    sum = o == 0 ? term : sum + term;
  }
  return sum;
}

}  // namespace ldarts
