#include "ldarts/model/nb201_network.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/conv.h>

#include "ldarts/core/error.h"
#include "ldarts/ops/resnet_block.h"

namespace ldarts {

Nb201NetworkImpl::Nb201NetworkImpl(const SearchSpace& space, const Nb201NetworkOptions& o) {
  LDARTS_CHECK(space.kind == CellKind::nb201, "space '", space.name, "' is not an NB201-type space");
  LDARTS_CHECK(o.channels > 0 && o.cells_per_stage > 0, "--channels and --cells-per-stage must be positive");
  const int64_t c = o.channels;
  stem = register_module(
      "stem", torch::nn::Sequential(
                  torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, c, 3).padding(1).bias(false)),
                  make_batch_norm(c, BatchNormSpec{})));
  const BatchNormSpec cell_bn = o.cell_bn;
  cells = register_module("cells", torch::nn::ModuleList());
  int64_t channels = c;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      cells->push_back(ResNetBlock(channels, 2 * channels, 2));
      channels *= 2;
    }
    for (int64_t i = 0; i < o.cells_per_stage; ++i) {
      cells->push_back(Nb201Cell(space, channels, cell_bn, o.cell_kernel, o.partial_channels));
      types_.push_back(0);
    }
  }
  head_bn = register_module("head_bn", make_batch_norm(channels, BatchNormSpec{}));
  classifier = register_module("classifier", torch::nn::Linear(channels, o.num_classes));
}

std::vector<int> Nb201NetworkImpl::cell_stages() const {
  std::vector<int> stages;
  int stage = 0;
  for (const auto& module : *cells) {
    if (module->as<Nb201CellImpl>()) stages.push_back(stage);
    else ++stage;
  }
  return stages;
}

MixedOpImpl& Nb201NetworkImpl::edge_op(int cell, int edge) {
  int next = 0;
  for (const auto& module : *cells)
    if (auto* c = module->as<Nb201CellImpl>())
      if (next++ == cell) return c->edge_op(edge);
  LDARTS_CHECK(false, "no search cell ", cell);
  throw;
}

torch::Tensor Nb201NetworkImpl::forward(const torch::Tensor& x,
                                        const std::vector<torch::Tensor>& cell_weights) {
  LDARTS_CHECK(cell_weights.size() == types_.size(), "network has ", types_.size(),
               " search cells but got ", cell_weights.size(), " weight tensors");
  torch::Tensor h = stem->forward(x);
  int next = 0;
  std::vector<torch::Tensor> nodes;  // for the cell hook
  for (const auto& module : *cells) {
    if (auto* cell = module->as<Nb201CellImpl>()) {
      h = cell->forward(h, cell_weights[next], cell_hook_ ? &nodes : nullptr);
      if (cell_hook_) cell_hook_(next, nodes);
      ++next;
    } else {
      h = module->as<ResNetBlockImpl>()->forward(h);
    }
  }
  h = torch::relu(head_bn(h));
  h = torch::nn::functional::adaptive_avg_pool2d(h, torch::nn::functional::AdaptiveAvgPool2dFuncOptions(1));
  return classifier(h.flatten(1));
}

}  // namespace ldarts
