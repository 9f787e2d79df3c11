// SDARTS-RS and SDARTS-ADV (Chen & Hsieh 2020), as xiangning-chen/SmoothDARTS does
// them (docs/methods.md §2): the ω pass sees a perturbed softmax(α); the α step is
// first-order DARTS, unperturbed.
//   ε_e  = 0.03 + (ε_max − 0.03)·e/E                    (train_search.py:169-171)
//   RS:  P = clip(softmax(α) + U(−ε_e, ε_e))            (perturb.py:47-50)
//   ADV: P0 = softmax(α); P = clip(P0 + U(−ε_e, ε_e)); 7 times
//        P = clip(P0 + clamp(P + (2ε_e/7)·sign(∇P L_train) − P0, ±ε_e)),
//        in eval mode, on the ω batch; P0 again if the attack lowered the loss
//        (perturb.py:11-44)
// clip(): per edge, clamp to [0, 1], an all-zero row gets 1 at its former argmax,
// then divide by the row sum (model_search.py:170-177). One perturbation per cell
// type, shared by its cells as SDARTS' α is. The noise comes from a generator
// seeded by (--seed, step), the same on every rank and after a resume.
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"
#include "ldarts/data/augment.h"
#include "ldarts/search/method.h"

namespace ldarts {
namespace {

constexpr double kEpsilonStart = 0.03;  // train_search.py:170
constexpr uint64_t kNoiseStream = 0x5d4;

double epsilon_at(double epsilon_max, const StepSchedule& s) {
  return kEpsilonStart + (epsilon_max - kEpsilonStart) * s.epoch / std::max(s.epochs, 1);
}

// SDARTS' clip() of one [edges, ops] matrix.
torch::Tensor clip_rows(const torch::Tensor& p) {
  const torch::Tensor argmax = p.argmax(-1, /*keepdim=*/true);
  torch::Tensor q = p.clamp(0, 1);
  const torch::Tensor empty = q.sum(-1, /*keepdim=*/true).eq(0);
  q = torch::where(empty, torch::zeros_like(q).scatter(-1, argmax, 1.0), q);
  return q / q.sum(-1, /*keepdim=*/true);
}

// U(−ε, ε) shaped as `like`, from the step's generator.
torch::Tensor uniform_noise(const torch::Tensor& like, double epsilon, Rng& rng) {
  std::vector<double> values(like.numel());
  for (double& v : values) v = (2 * rng.uniform() - 1) * epsilon;
  return torch::tensor(values, torch::kDouble).reshape(like.sizes()).to(like.options());
}

std::vector<torch::Tensor> per_cell(const std::vector<torch::Tensor>& per_type, const std::vector<int>& types) {
  std::vector<torch::Tensor> out;
  for (int t : types) out.push_back(per_type[t]);
  return out;
}

// Both methods' settings, kept under sdarts-rs (one --perturb-epsilon for both).
struct Settings {
  double perturb_epsilon = 0.3;  // ε_max of the ramp 0.03 → ε_max over the epochs (SmoothDARTS)
  int pgd_steps = 7;             // sdarts-adv: PGD steps of size 2ε/steps
};

class Sdarts : public SearchMethod {
 public:
  Sdarts(const SearchOptions& options, bool adversarial)
      : options_(options), adversarial_(adversarial),
        settings_(method_settings<Settings>(options, "sdarts-rs")) {
    LDARTS_CHECK(settings_.perturb_epsilon > 0, "--perturb-epsilon must be positive, got ", settings_.perturb_epsilon);
    LDARTS_CHECK(settings_.pgd_steps > 0, "--pgd-steps must be positive, got ", settings_.pgd_steps);
  }
  // nasbench201/train_search.py:228-246: α's gradient zeroed, softmax(α) + δ in its place for the ω pass.
  AlphaAtClip alpha_at_clip() const override { return AlphaAtClip::weight_pass_p_space; }

  std::vector<torch::Tensor> weight_pass_weights(Passes& passes, const Batch& train,
                                                 const StepSchedule& schedule) override {
    const double eps = epsilon_at(settings_.perturb_epsilon, schedule);
    Rng rng(derive_seed(options_.seed, {kNoiseStream, uint64_t(passes.steps_done())}));
    const std::vector<torch::Tensor> p0 = passes.type_probabilities();
    std::vector<torch::Tensor> p;
    for (const auto& t : p0) p.push_back(clip_rows(t + uniform_noise(t, eps, rng)));
    if (!adversarial_) return per_cell(p, passes.cell_types());
    return attack(passes, train, p0, p, eps);
  }

 private:
  // PGD on ∇P L_train with sign steps, projected on the ε-ball around P0 and clip().
  std::vector<torch::Tensor> attack(Passes& passes, const Batch& train, const std::vector<torch::Tensor>& p0,
                                    std::vector<torch::Tensor> p, double eps) {
    const std::vector<int> types = passes.cell_types();
    passes.train_mode(false);
    const double loss_before = passes.mean_loss(train, per_cell(p0, types));
    const double step = 2 * eps / settings_.pgd_steps;
    for (int k = 0; k < settings_.pgd_steps; ++k) {
      std::vector<torch::Tensor> leaves;
      for (const auto& w : per_cell(p, types)) leaves.push_back(w.detach().clone().requires_grad_(true));
      const torch::Tensor g = passes.cell_gradients(train, leaves).cells;  // [cells, edges·ops]
      for (size_t t = 0; t < p.size(); ++t) {
        torch::Tensor sum = torch::zeros_like(p[t]);
        for (size_t c = 0; c < types.size(); ++c)
          if (types[c] == int(t)) sum = sum + g[c].reshape(p[t].sizes());
        const torch::Tensor moved = p[t] + step * sum.sign();
        p[t] = clip_rows(p0[t] + (moved - p0[t]).clamp(-eps, eps));
      }
    }
    const double loss_after = passes.mean_loss(train, per_cell(p, types));
    passes.train_mode(true);
    return per_cell(loss_before > loss_after ? p0 : p, types);
  }

  SearchOptions options_;
  bool adversarial_;
  Settings settings_;
};

std::unique_ptr<SearchMethod> make_sdarts_rs(const SearchOptions& o, const SearchSpace&) {
  return std::make_unique<Sdarts>(o, false);
}
std::unique_ptr<SearchMethod> make_sdarts_adv(const SearchOptions& o, const SearchSpace&) {
  return std::make_unique<Sdarts>(o, true);
}

void declare_options(OptionSink& sink, std::any& settings) {
  Settings& s = std::any_cast<Settings&>(settings);
  sink.add("perturb-epsilon", s.perturb_epsilon,
           "sdarts-rs/-adv: ε_max; ε ramps from 0.03 at the first epoch towards it (SmoothDARTS: 0.3)");
  sink.add("pgd-steps", s.pgd_steps, "sdarts-adv: PGD steps of size 2ε/steps (SmoothDARTS: 7)");
}

}  // namespace

LDARTS_REGISTER_METHOD({"sdarts-rs", "SDARTS-RS: random smoothing of the ω pass's cell weights (Chen & Hsieh 2020)",
                        make_sdarts_rs, Settings{}, declare_options, {}, {}, 20})
LDARTS_REGISTER_METHOD({"sdarts-adv", "SDARTS-ADV: adversarial (PGD) perturbation of the ω pass's cell weights",
                        make_sdarts_adv, {}, {}, {}, {}, 30})

}  // namespace ldarts
