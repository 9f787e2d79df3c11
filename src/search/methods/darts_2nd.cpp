// Second-order DARTS (Liu et al. 2019, eqs. 7-8), as quark0/darts cnn/architect.py
// computes it (docs/methods.md):
//   ω' = ω − η (μ·buf + ∇ω L_train(ω) + wd·ω)     η: this step's ω learning rate
//   g  = ∂L_val(ω')/∂P − η (∂L_train(ω⁺)/∂P − ∂L_train(ω⁻)/∂P) / 2R
//   ω± = ω ± R·∇ω' L_val(ω'),  R = r / ‖∇ω' L_val(ω')‖,  r = --hvp-r (0.01)
// The second term is the finite-difference estimate of η ∂²L_train/∂P∂ω · ∇ω'L_val.
// The same holds for the PC-DARTS β. ω and the BN statistics are put back exactly
// after the unrolled pass (DARTS evaluates it on a copy of the model); the two ±
// passes update the statistics as DARTS' in-place passes do.
#include <cmath>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

std::vector<at::Tensor> clones(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> out;
  for (const auto& t : tensors) out.push_back(t.detach().clone());
  return out;
}

void assign(std::vector<at::Tensor>& to, const std::vector<at::Tensor>& from) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
}

struct Settings {
  double hvp_r = 0.01;  // the Hessian-vector product's step R = hvp_r / ‖∇ω' L_val‖ (DARTS architect.py)
};

class Darts2nd final : public SearchMethod {
 public:
  explicit Darts2nd(const SearchOptions& options)
      : options_(options), hvp_r_(method_settings<Settings>(options, "darts-2nd").hvp_r) {
    LDARTS_CHECK(hvp_r_ > 0, "--hvp-r must be positive, got ", hvp_r_);
  }

  CellGradients alpha_gradient(Passes& passes, const Batch& valid, const Batch& train, const StepSchedule& schedule,
                          at::Tensor& cell_grads_valid) override {
    const double eta = schedule.lr;
    std::vector<at::Tensor> weights = passes.weights();
    const std::vector<at::Tensor> omega = clones(weights);

    // The unrolled ω' (architect.py _compute_unrolled_model; no clipping there).
    const std::vector<at::Tensor> g_train = passes.weight_grads(train, passes.cell_copies());
    const std::vector<at::Tensor> momentum = passes.momentum_buffers();
    {
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < weights.size(); ++i) {
        at::Tensor step = g_train[i] + options_.weight_decay * omega[i];
        if (momentum[i].defined()) step = step + options_.momentum * momentum[i];
        weights[i].sub_(step, eta);
      }
    }
    std::vector<at::Tensor> buffers = passes.buffers();
    const std::vector<at::Tensor> statistics = clones(buffers);
    std::vector<at::Tensor> v;  // ∇ω' L_val(ω')
    CellGradients grads = passes.cell_gradients(valid, passes.cell_copies(), &v);
    assign(weights, omega);
    assign(buffers, statistics);
    cell_grads_valid = grads.cells;

    // The Hessian-vector product by central differences (_hessian_vector_product).
    at::Tensor norm_sq = torch::zeros({}, v[0].options().dtype(torch::kDouble));
    for (const auto& t : v) norm_sq = norm_sq + t.to(torch::kDouble).pow(2).sum();
    const double norm = std::sqrt(norm_sq.item<double>());
    if (norm == 0) return grads;  // ω' is stationary on the validation batch: no implicit term
    const double r = hvp_r_ / norm;
    auto at_offset = [&](double sign) {
      {
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < weights.size(); ++i) weights[i].copy_(omega[i] + (sign * r) * v[i]);
      }
      return passes.cell_gradients(train, passes.cell_copies());
    };
    const CellGradients plus = at_offset(+1), minus = at_offset(-1);
    assign(weights, omega);
    const double scale = eta / (2 * r);
    grads.cells = grads.cells - scale * (plus.cells - minus.cells);
    for (size_t i = 0; i < grads.betas.size(); ++i)
      grads.betas[i] = grads.betas[i] - scale * (plus.betas[i] - minus.betas[i]);
    return grads;
  }

 private:
  SearchOptions options_;
  double hvp_r_;
};

std::unique_ptr<SearchMethod> make_darts_2nd(const SearchOptions& options, const SearchSpace&) {
  return std::make_unique<Darts2nd>(options);
}

void declare_options(OptionSink& sink, std::any& settings) {
  Settings& s = std::any_cast<Settings&>(settings);
  sink.add("hvp-r", s.hvp_r, "darts-2nd: the finite-difference step R = r/‖∇ω'L_val‖ of the Hessian-vector product (DARTS: 0.01)");
}

}  // namespace

LDARTS_REGISTER_METHOD({"darts-2nd", "second-order DARTS (Liu et al. 2019, eqs. 7-8)", make_darts_2nd, Settings{},
                        declare_options, {}, {}, 10})

}  // namespace ldarts
