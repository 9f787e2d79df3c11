// The DARTS search cell: two inputs (the outputs of the previous two cells,
// preprocessed to C channels), four intermediate nodes each summing one mixed
// edge from every earlier node (14 edges), output = concat of the four nodes.
// In a reduction cell the edges leaving the inputs have stride 2. With edge
// normalization (PC-DARTS) every edge's output is also scaled by its weight
// among the edges entering the same node.
#pragma once

#include "ldarts/model/cell_evaluator.h"
#include "ldarts/model/mixed_op.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

struct DartsCellOptions {
  int64_t prev_prev_channels, prev_channels, channels;
  bool reduction = false, reduction_prev = false;
  int64_t partial_channels = 1;  // PC-DARTS K (1 = every channel through the mixed op)
  CellKernel kernel = CellKernel::fused;  // how the edges are evaluated
  std::shared_ptr<SkipDropoutControl> skip_dropout;  // P-DARTS (nullptr: no skip dropout)
};

class DartsCellImpl : public torch::nn::Module {
 public:
  DartsCellImpl(const SearchSpace& space, const CellType& type, const DartsCellOptions& options, BatchNormSpec bn);
  // weights: [edges, ops], this cell's own copy of softmax(α of its type);
  // edge_weights: [edges] edge-normalization weights, or undefined.
  torch::Tensor forward(const torch::Tensor& s0, const torch::Tensor& s1, const torch::Tensor& weights,
                        const torch::Tensor& edge_weights = {}, std::vector<torch::Tensor>* nodes = nullptr);
  MixedOpImpl& edge_op(int edge) { return *mixed_.at(edge); }
  bool reduction() const { return reduction_; }
  int64_t out_channels() const { return out_channels_; }

 private:
  torch::nn::AnyModule preprocess0_, preprocess1_;
  int nodes_;
  std::vector<MixedOp> mixed_;
  std::unique_ptr<CellEvaluator> evaluator_;
  bool reduction_;
  int64_t out_channels_;
};
TORCH_MODULE(DartsCell);

}  // namespace ldarts
