#include "ldarts/search/fidelity.h"

#include <algorithm>
#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"

namespace ldarts {
namespace {

struct StepResult {
  std::vector<at::Tensor> update, alpha_grad;  // in double
  StepStats stats;
};

StepResult run_step(SearchOptions o, bool float64, double lambda, const FidelitySetup& s, const Batch& train,
                    const Batch& valid, const std::vector<at::Tensor>& alphas) {
  o.float64 = float64;
  torch::manual_seed(static_cast<int64_t>(s.seed));  // ω's initialization: float draws, exact in double
  LocalCommunicator comm;
  Searcher searcher(o, find_space(o.space), s.in_channels, s.num_classes, comm);
  Architecture& arch = searcher.architecture();
  LDARTS_CHECK(static_cast<int>(alphas.size()) == arch.num_types(), "fidelity: α has ", arch.num_types(), " types");
  std::vector<at::Tensor> before;
  {
    torch::NoGradGuard no_grad;
    for (int t = 0; t < arch.num_types(); ++t) arch.alpha(t).copy_(alphas[t]);
    for (const auto& w : searcher.network()->weights()) before.push_back(w.detach().to(torch::kDouble).clone());
  }
  StepResult r;
  r.stats = searcher.step(train, valid, StepSchedule{s.lr, lambda});
  const std::vector<at::Tensor> after = searcher.network()->weights();
  for (size_t i = 0; i < after.size(); ++i) r.update.push_back(before[i] - after[i].detach().to(torch::kDouble));
  for (int t = 0; t < arch.num_types(); ++t) {
    const at::Tensor& g = arch.alpha(t).grad();
    r.alpha_grad.push_back(g.defined() ? g.detach().to(torch::kDouble) : torch::zeros_like(alphas[t]));
  }
  return r;
}

at::Tensor flat(const std::vector<at::Tensor>& ts) {
  std::vector<at::Tensor> parts;
  for (const auto& t : ts) parts.push_back(t.reshape({-1}));
  return torch::cat(parts);
}

double relative(const at::Tensor& a, const at::Tensor& b) {
  const double scale = b.norm().item<double>();
  const double diff = (a - b).norm().item<double>();
  return scale > 0 ? diff / scale : (diff > 0 ? INFINITY : 0.0);
}

double relative(double a, double b) { return b != 0 ? std::abs(a - b) / std::abs(b) : std::abs(a - b); }

}  // namespace

StepFidelity float32_fidelity(const SearchOptions& options, const FidelitySetup& s) {
  // Batches and α drawn in float64 from their own generator and rounded to float32
  // once, so that both searchers start from the same values.
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s.seed + 1);
  auto images = [&] {
    return (torch::randn({s.batch, s.in_channels, s.image, s.image}, gen, torch::kDouble) * s.input_std + s.input_mean)
        .to(torch::kFloat);
  };
  auto labels = [&] { return torch::randint(0, s.num_classes, {s.batch}, gen, torch::kLong); };
  const Batch train{images(), labels()}, valid{images(), labels()};
  const SearchSpace& space = find_space(options.space);
  std::vector<at::Tensor> alphas;
  for (size_t t = 0; t < space.cell_types.size(); ++t)
    alphas.push_back((torch::randn({space.num_edges(), space.num_ops()}, gen, torch::kDouble) * s.alpha_scale)
                         .to(torch::kFloat));

  const StepResult exact = run_step(options, true, s.lambda, s, train, valid, alphas);
  const StepResult single = run_step(options, false, s.lambda, s, train, valid, alphas);
  StepFidelity f;
  f.omega = relative(flat(single.update), flat(exact.update));
  for (size_t i = 0; i < exact.update.size(); ++i)
    if (exact.update[i].norm().item<double>() > 0)
      f.omega_worst_tensor = std::max(f.omega_worst_tensor, relative(single.update[i], exact.update[i]));
  f.alpha_grad = relative(flat(single.alpha_grad), flat(exact.alpha_grad));
  f.lambda_train = std::abs(single.stats.alignment_train - exact.stats.alignment_train);
  f.lambda_valid = std::abs(single.stats.alignment_valid - exact.stats.alignment_valid);
  f.epsilon = relative(single.stats.epsilon, exact.stats.epsilon);
  f.delta_norm = relative(single.stats.delta_norm, exact.stats.delta_norm);
  f.grad_norm = relative(single.stats.grad_norm, exact.stats.grad_norm);
  f.update_norm = flat(exact.update).norm().item<double>();
  if (exact.stats.regularized) {
    const StepResult plain = run_step(options, true, 0.0, s, train, valid, alphas);
    f.regularizer_share = (flat(exact.update) - flat(plain.update)).norm().item<double>() / f.update_norm;
  }
  return f;
}

FidelitySummary float32_fidelity_over_seeds(const SearchOptions& options, FidelitySetup setup, int seeds) {
  LDARTS_CHECK(seeds >= 1, "fidelity: at least one seed, got ", seeds);
  std::vector<StepFidelity> runs;
  const uint64_t first = setup.seed;
  for (int i = 0; i < seeds; ++i) {
    setup.seed = first + static_cast<uint64_t>(i);
    runs.push_back(float32_fidelity(options, setup));
  }
  FidelitySummary summary;
  summary.seeds = seeds;
  for (const StepFidelity& f : runs) summary.jumps += f.omega > FidelitySummary::kJump;
  auto median = [&](double StepFidelity::*field) {
    std::vector<double> v;
    for (const StepFidelity& f : runs) v.push_back(f.*field);
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  };
  for (double StepFidelity::*field :
       {&StepFidelity::omega, &StepFidelity::omega_worst_tensor, &StepFidelity::alpha_grad, &StepFidelity::lambda_train,
        &StepFidelity::lambda_valid, &StepFidelity::epsilon, &StepFidelity::delta_norm, &StepFidelity::grad_norm,
        &StepFidelity::update_norm, &StepFidelity::regularizer_share})
    summary.median.*field = median(field);
  return summary;
}

}  // namespace ldarts
