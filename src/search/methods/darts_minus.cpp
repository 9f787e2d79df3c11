// DARTS- (Chu et al. 2021), as Meituan-AutoML/DARTS- does it (docs/methods.md §5):
// every edge gets an auxiliary skip connection outside the softmax,
//   edge(x) = Σ_o softmax(α)_o·o(x) + β_e·skip(x),   β_e = β0·(E − e)/E
// (run_darts_minus.sh: --decay linear, β0 = 1, E = 50), in the ω and the α pass;
// the genotype ignores it. ldarts adds β_e to the weight of the edge's own
// skip_connect op, which is that sum exactly where skip_connect is the identity
// (every stride-1 edge); on the stride-2 edges of reduction cells the auxiliary
// path therefore shares the FactorizedReduce of skip_connect, where DARTS- gives
// it a FactorizedReduce of its own (model_search.py:18-19). Spaces with an edge
// without skip_connect (S4) are refused.
#include <algorithm>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

struct Settings {
  double aux_skip_beta = 1.0;  // β0 of the auxiliary skip, decayed linearly to 0 over the epochs
};

class DartsMinus final : public SearchMethod {
 public:
  DartsMinus(const SearchOptions& options, const SearchSpace& space)
      : beta0_(method_settings<Settings>(options, "darts-minus").aux_skip_beta) {
    LDARTS_CHECK(beta0_ >= 0, "--aux-skip-beta must be 0 or more, got ", beta0_);
    for (const CellType& type : space.cell_types) {
      const int64_t edges = int64_t(type.edge_ops.size()), ops = int64_t(type.edge_ops.front().size());
      torch::Tensor mask = torch::zeros({edges, ops}, torch::kDouble);
      for (int64_t e = 0; e < edges; ++e) {
        const auto& names = type.edge_ops[e];
        const auto it = std::find(names.begin(), names.end(), "skip_connect");
        LDARTS_CHECK(it != names.end(), "--method darts-minus needs skip_connect on every edge; edge ", e, " of the ",
                     type.name, " cell of space ", space.name, " has none");
        mask[e][it - names.begin()] = 1.0;
      }
      masks_.push_back(mask);
    }
  }

  std::vector<torch::Tensor> weight_pass_weights(Passes& passes, const Batch&, const StepSchedule& s) override {
    return with_aux_skip(passes, s);
  }
  std::vector<torch::Tensor> eval_weights(Passes& passes, const StepSchedule& s) override {
    return with_aux_skip(passes, s);  // the supernet has the auxiliary skip in every pass (model_search.py:40-45)
  }
  CellGradients alpha_gradient(Passes& passes, const Batch& valid, const Batch&, const StepSchedule& s,
                          torch::Tensor& cell_grads_valid) override {
    std::vector<torch::Tensor> leaves;
    for (const auto& w : with_aux_skip(passes, s)) leaves.push_back(w.requires_grad_(true));
    CellGradients grads = passes.cell_gradients(valid, leaves);  // ∂L/∂(P + β·skip) = ∂L/∂P
    cell_grads_valid = grads.cells;
    return grads;
  }
  double beta_at(const StepSchedule& s) const {
    return beta0_ * double(std::max(s.epochs, 1) - s.epoch) / std::max(s.epochs, 1);
  }

 private:
  std::vector<torch::Tensor> with_aux_skip(Passes& passes, const StepSchedule& s) {
    const double beta = beta_at(s);
    const std::vector<torch::Tensor> p = passes.type_probabilities();
    std::vector<torch::Tensor> out;
    for (int t : passes.cell_types()) out.push_back(p[t] + beta * masks_[t].to(p[t].options()));
    return out;
  }

  double beta0_;
  std::vector<torch::Tensor> masks_;  // per cell type: 1 at each edge's skip_connect
};

std::unique_ptr<SearchMethod> make_darts_minus(const SearchOptions& options, const SearchSpace& space) {
  return std::make_unique<DartsMinus>(options, space);
}

void declare_options(OptionSink& sink, std::any& settings) {
  Settings& s = std::any_cast<Settings&>(settings);
  sink.add("aux-skip-beta", s.aux_skip_beta,
           "darts-minus: β0 of the auxiliary skip connection, decayed linearly to 0 over the epochs (DARTS-: 1)");
}

}  // namespace

LDARTS_REGISTER_METHOD({"darts-minus", "DARTS-: an auxiliary skip connection on every edge (Chu et al. 2021)",
                        make_darts_minus, Settings{}, declare_options, {}, {}, 50})

}  // namespace ldarts
