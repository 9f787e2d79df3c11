// β-DARTS (Ye et al. 2022), as Sunshine-Ye/Beta-DARTS does it (docs/methods.md §6):
// the α step descends on L_val + λ_e·L_β with the Beta-Decay regularization
//   L_β(α) = mean over edges of logsumexp over ops of α,  ∂L_β/∂α = softmax(α)/|E|
//   λ_e = λ·e/E     (architect.py:80-85 hard-codes 50·e/100: λ = 50 over 100 epochs)
// summed over the cell types of the DARTS spaces. The ω step is first-order DARTS'.
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

struct Settings {
  double beta_decay = 50;  // λ of the Beta-Decay term at the last epoch, ramped from 0
};

class BetaDarts final : public SearchMethod {
 public:
  explicit BetaDarts(const SearchOptions& options) : lambda_(method_settings<Settings>(options, "beta-darts").beta_decay) {
    LDARTS_CHECK(lambda_ >= 0, "--beta-decay must be 0 or more, got ", lambda_);
  }
  // nasbench201/train_search.py:230-248: α's gradient zeroed, softmax(α) in its place for the ω pass.
  AlphaAtClip alpha_at_clip() const override { return AlphaAtClip::weight_pass_p_space; }
  void add_alpha_gradient(std::vector<at::Tensor>& alphas, const StepSchedule& schedule) override {
    const double lambda = lambda_ * schedule.epoch / std::max(schedule.epochs, 1);
    torch::NoGradGuard no_grad;
    for (auto& alpha : alphas)
      alpha.mutable_grad().add_(torch::softmax(alpha.detach(), -1), lambda / double(alpha.size(0)));
  }

 private:
  double lambda_;
};

std::unique_ptr<SearchMethod> make_beta_darts(const SearchOptions& options, const SearchSpace&) {
  return std::make_unique<BetaDarts>(options);
}

void declare_options(OptionSink& sink, std::any& settings) {
  Settings& s = std::any_cast<Settings&>(settings);
  sink.add("beta-decay", s.beta_decay, "beta-darts: λ of the Beta-Decay term at the last epoch, ramped linearly from 0 (β-DARTS: 50)");
}

}  // namespace

LDARTS_REGISTER_METHOD({"beta-darts", "β-DARTS: Beta-Decay regularization of α (Ye et al. 2022)", make_beta_darts,
                        Settings{}, declare_options, {}, {}, 40})

}  // namespace ldarts
