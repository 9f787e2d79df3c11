// Saving and restoring a Searcher for exact resume.
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/search/searcher.h"

namespace ldarts {
namespace {

void restore_into(const torch::Tensor& target, const Checkpoint& c, const std::string& key) {
  const torch::Tensor& stored = c.tensor(key);
  // 0-dim tensors (BN's num_batches_tracked) are stored with shape [1].
  const bool fits = stored.sizes() == target.sizes() || (target.dim() == 0 && stored.numel() == 1);
  LDARTS_CHECK(fits, c.source, ": '", key, "' has shape ", stored.sizes(),
               ", the configured network needs ", target.sizes(),
               " (was the checkpoint written with other --channels / --cells-per-stage / data set?)");
  torch::NoGradGuard no_grad;
  target.copy_(stored.view_as(target));
}

}  // namespace

void Searcher::save_state(Checkpoint& c) const {
  for (const auto& p : network_->named_parameters()) c.tensors["model/" + p.key()] = p.value().detach().clone();
  for (const auto& b : network_->named_buffers()) c.tensors["model/" + b.key()] = b.value().detach().clone();
  for (int t = 0; t < arch_.num_types(); ++t) c.tensors["arch/" + arch_.type_name(t)] = arch_.alpha(t).detach().clone();
  c.integers["search/steps_done"] = steps_done_;

  const auto& sgd_state = weight_optimizer_->state();
  for (const auto& p : network_->named_parameters()) {
    auto it = sgd_state.find(p.value().unsafeGetTensorImpl());
    if (it == sgd_state.end()) continue;
    const auto& s = static_cast<const torch::optim::SGDParamState&>(*it->second);
    if (s.momentum_buffer().defined()) c.tensors["optim/weights/" + p.key() + "/momentum_buffer"] = s.momentum_buffer().clone();
  }
  const auto& adam_state = arch_optimizer_->state();
  for (const auto& [key, param] : arch_parameters()) {
    auto it = adam_state.find(param.unsafeGetTensorImpl());
    if (it == adam_state.end()) continue;
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
    c.integers[key + "/step"] = s.step();
    c.tensors[key + "/exp_avg"] = s.exp_avg().clone();
    c.tensors[key + "/exp_avg_sq"] = s.exp_avg_sq().clone();
  }
}

// α per cell type and the network's β, each with its Adam-state key.
std::vector<std::pair<std::string, torch::Tensor>> Searcher::arch_parameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (int t = 0; t < arch_.num_types(); ++t) out.push_back({"optim/arch/" + arch_.type_name(t), arch_.alpha(t)});
  const std::vector<torch::Tensor> betas = network_->edge_parameters();
  for (size_t i = 0; i < betas.size(); ++i) out.push_back({"optim/edge/" + std::to_string(i), betas[i]});
  return out;
}

void Searcher::load_state(const Checkpoint& c) {
  for (const auto& p : network_->named_parameters()) restore_into(p.value(), c, "model/" + p.key());
  for (const auto& b : network_->named_buffers()) restore_into(b.value(), c, "model/" + b.key());
  for (int t = 0; t < arch_.num_types(); ++t) restore_into(arch_.alpha(t), c, "arch/" + arch_.type_name(t));
  steps_done_ = c.integer("search/steps_done");

  auto& sgd_state = weight_optimizer_->state();
  sgd_state.clear();
  for (const auto& p : network_->named_parameters()) {
    const std::string key = "optim/weights/" + p.key() + "/momentum_buffer";
    if (!c.tensors.count(key)) continue;
    auto state = std::make_unique<torch::optim::SGDParamState>();
    torch::Tensor buffer = torch::empty_like(p.value());
    restore_into(buffer, c, key);
    state->momentum_buffer(buffer);
    sgd_state[p.value().unsafeGetTensorImpl()] = std::move(state);
  }
  auto& adam_state = arch_optimizer_->state();
  adam_state.clear();
  for (const auto& [key, param] : arch_parameters()) {
    if (!c.integers.count(key + "/step")) continue;
    auto state = std::make_unique<torch::optim::AdamParamState>();
    torch::Tensor exp_avg = torch::empty_like(param), exp_avg_sq = torch::empty_like(param);
    restore_into(exp_avg, c, key + "/exp_avg");
    restore_into(exp_avg_sq, c, key + "/exp_avg_sq");
    state->step(c.integer(key + "/step"));
    state->exp_avg(exp_avg);
    state->exp_avg_sq(exp_avg_sq);
    adam_state[param.unsafeGetTensorImpl()] = std::move(state);
  }
}

}  // namespace ldarts
