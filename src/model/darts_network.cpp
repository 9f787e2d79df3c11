#include "ldarts/model/darts_network.h"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/torch.h>

#include "ldarts/core/error.h"

namespace ldarts {

DartsNetworkImpl::DartsNetworkImpl(const SearchSpace& space, const DartsNetworkOptions& o) : space_(space) {
  LDARTS_CHECK(space.kind == CellKind::darts, "space '", space.name, "' is not a DARTS-family space");
  LDARTS_CHECK(o.layers >= 3 && o.channels > 0, "the DARTS network needs --layers >= 3 and --channels > 0");
  LDARTS_CHECK(!o.imagenet || o.channels % 2 == 0, "the ImageNet search network needs an even --channels");
  const int64_t stem_channels = o.imagenet ? o.channels : o.stem_multiplier * o.channels;
  auto conv = [](int64_t in, int64_t out, int64_t stride) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
  };
  if (o.imagenet) {
    stem = register_module("stem", torch::nn::Sequential(conv(o.in_channels, o.channels / 2, 2),
                                                         make_batch_norm(o.channels / 2, BatchNormSpec{}),
                                                         torch::nn::ReLU(), conv(o.channels / 2, o.channels, 2),
                                                         make_batch_norm(o.channels, BatchNormSpec{})));
    stem1 = register_module("stem1", torch::nn::Sequential(torch::nn::ReLU(), conv(o.channels, o.channels, 2),
                                                           make_batch_norm(o.channels, BatchNormSpec{})));
  } else {
    stem = register_module("stem", torch::nn::Sequential(conv(o.in_channels, stem_channels, 1),
                                                         make_batch_norm(stem_channels, BatchNormSpec{})));
  }
  const BatchNormSpec cell_bn{false, false};  // the supernet's BN: no affine parameters, batch statistics
  cells = register_module("cells", torch::nn::ModuleList());
  int64_t prev_prev = stem_channels, prev = stem_channels, channels = o.channels;
  bool reduction_prev = o.imagenet;  // the ImageNet form's older input (stem0) has twice the resolution
  if (o.skip_dropout) skip_dropout_ = std::make_shared<SkipDropoutControl>();
  for (int64_t i = 0; i < o.layers; ++i) {
    const bool reduction = i == o.layers / 3 || i == 2 * o.layers / 3;
    if (reduction) channels *= 2;
    const int type = reduction ? 1 : 0;
    DartsCell cell(space, space.cell_types[type], DartsCellOptions{prev_prev, prev, channels, reduction, reduction_prev, o.partial_channels, o.cell_kernel,
                                                                            skip_dropout_},
                   cell_bn);
    prev_prev = prev;
    prev = cell->out_channels();
    cells->push_back(cell);
    types_.push_back(type);
    reduction_prev = reduction;
  }
  classifier = register_module("classifier", torch::nn::Linear(prev, o.num_classes));
  if (o.edge_normalization)
    for (const char* type : {"normal", "reduce"})
      betas_.push_back(register_parameter(std::string("edge_beta_") + type, 1e-3 * torch::randn({space.num_edges()})));
}

torch::Tensor edge_softmax(const torch::Tensor& beta, const SearchSpace& space) {
  LDARTS_CHECK(beta.dim() == 1 && beta.size(0) == space.num_edges(), "edge normalization β has ", beta.numel(),
               " entries, space '", space.name, "' has ", space.num_edges(), " edges");
  // The edges entering a node are consecutive (edges are ordered by target node).
  std::vector<torch::Tensor> parts;
  int first = 0;
  for (int node = 2; node < space.nodes; ++node) {
    int count = 0;
    while (first + count < space.num_edges() && space.edges[first + count].to == node) ++count;
    parts.push_back(torch::softmax(beta.narrow(0, first, count), 0));
    first += count;
  }
  LDARTS_CHECK(first == space.num_edges(), "space '", space.name, "': edges are not ordered by target node");
  return torch::cat(parts);
}

torch::Tensor DartsNetworkImpl::edge_weights(int cell_type) const {
  return betas_.empty() ? torch::Tensor() : edge_softmax(betas_.at(cell_type), space_);
}

std::vector<int> DartsNetworkImpl::cell_stages() const {
  std::vector<int> stages;
  int stage = 0;
  for (int t : types_) {
    if (t == 1) ++stage;
    stages.push_back(t == 1 ? -1 : stage);
  }
  return stages;
}

MixedOpImpl& DartsNetworkImpl::edge_op(int cell, int edge) { return cells[cell]->as<DartsCellImpl>()->edge_op(edge); }

torch::Tensor DartsNetworkImpl::forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights) {
  LDARTS_CHECK(cell_weights.size() == types_.size(), "network has ", types_.size(), " cells but got ",
               cell_weights.size(), " weight tensors");
  torch::Tensor s0 = stem->forward(x);
  torch::Tensor s1 = stem1 ? stem1->forward(s0) : s0;
  const std::vector<torch::Tensor> edge_w = {edge_weights(0), edge_weights(1)};
  std::vector<torch::Tensor> nodes;  // for the cell hook
  for (size_t i = 0; i < types_.size(); ++i) {
    torch::Tensor next = cells[i]->as<DartsCellImpl>()->forward(s0, s1, cell_weights[i], edge_w[types_[i]],
                                                                cell_hook_ ? &nodes : nullptr);
    if (cell_hook_) cell_hook_(static_cast<int>(i), nodes);
    s0 = s1;
    s1 = next;
  }
  const torch::Tensor pooled = torch::nn::functional::adaptive_avg_pool2d(
      s1, torch::nn::functional::AdaptiveAvgPool2dFuncOptions(1));
  return classifier(pooled.flatten(1));
}

}  // namespace ldarts
