#include "ldarts/model/darts_network.h"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/conv.h>

#include "ldarts/core/error.h"

namespace ldarts {

DartsNetworkImpl::DartsNetworkImpl(const SearchSpace& space, const DartsNetworkOptions& o) {
  LDARTS_CHECK(space.kind == CellKind::darts, "space '", space.name, "' is not a DARTS-family space");
  LDARTS_CHECK(o.layers >= 3 && o.channels > 0, "the DARTS network needs --layers >= 3 and --channels > 0");
  const int64_t stem_channels = o.stem_multiplier * o.channels;
  stem = register_module(
      "stem", torch::nn::Sequential(
                  torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in_channels, stem_channels, 3).padding(1).bias(false)),
                  make_batch_norm(stem_channels, BatchNormSpec{})));
  const BatchNormSpec cell_bn{false, false};  // the supernet's BN: no affine parameters, batch statistics
  cells = register_module("cells", torch::nn::ModuleList());
  int64_t prev_prev = stem_channels, prev = stem_channels, channels = o.channels;
  bool reduction_prev = false;
  for (int64_t i = 0; i < o.layers; ++i) {
    const bool reduction = i == o.layers / 3 || i == 2 * o.layers / 3;
    if (reduction) channels *= 2;
    const int type = reduction ? 1 : 0;
    DartsCell cell(space, space.cell_types[type], DartsCellOptions{prev_prev, prev, channels, reduction, reduction_prev},
                   cell_bn);
    prev_prev = prev;
    prev = cell->out_channels();
    cells->push_back(cell);
    types_.push_back(type);
    reduction_prev = reduction;
  }
  classifier = register_module("classifier", torch::nn::Linear(prev, o.num_classes));
}

std::vector<bool> DartsNetworkImpl::regularized_cells() const {
  std::vector<bool> normal;
  for (int t : types_) normal.push_back(t == 0);
  return normal;
}

torch::Tensor DartsNetworkImpl::forward(const torch::Tensor& x, const std::vector<torch::Tensor>& cell_weights) {
  LDARTS_CHECK(cell_weights.size() == types_.size(), "network has ", types_.size(), " cells but got ",
               cell_weights.size(), " weight tensors");
  torch::Tensor s0 = stem->forward(x), s1 = s0;
  for (size_t i = 0; i < types_.size(); ++i) {
    torch::Tensor next = cells[i]->as<DartsCellImpl>()->forward(s0, s1, cell_weights[i]);
    s0 = s1;
    s1 = next;
  }
  const torch::Tensor pooled = torch::nn::functional::adaptive_avg_pool2d(
      s1, torch::nn::functional::AdaptiveAvgPool2dFuncOptions(1));
  return classifier(pooled.flatten(1));
}

}  // namespace ldarts
