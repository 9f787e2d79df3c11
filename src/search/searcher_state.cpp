// Saving and restoring a Searcher for exact resume.
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/io/module_state.h"
#include "ldarts/search/searcher.h"

namespace ldarts {

void Searcher::save_state(Checkpoint& c) const {
  save_module(c, *network_, "model/");
  for (int t = 0; t < arch_.num_types(); ++t) {
    c.tensors["arch/" + arch_.type_name(t)] = arch_.alpha(t).detach().clone();
    // --clip-with-alpha reads the last α step's gradient in the next ω step.
    if (options_.clip_with_alpha && arch_.alpha(t).grad().defined())
      c.tensors["arch_grad/" + arch_.type_name(t)] = arch_.alpha(t).grad().detach().clone();
  }
  c.integers["search/steps_done"] = steps_done_;
  c.strings["search/method"] = method_->name();
  method_->save(c);
  save_sgd_state(c, *weight_optimizer_, *network_, "optim/weights/");
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
  // ldarts before --method wrote no search/method: first-order DARTS.
  const std::string method = c.strings.count("search/method") ? c.string("search/method") : "darts";
  LDARTS_CHECK(method == method_->name(), c.source, ": a checkpoint of a --method ", method,
               " search; this run has --method ", method_->name(), " (resume with the same method)");
  load_module(c, *network_, "model/");
  for (int t = 0; t < arch_.num_types(); ++t) {
    restore_tensor(arch_.alpha(t), c, "arch/" + arch_.type_name(t));
    const std::string grad = "arch_grad/" + arch_.type_name(t);
    arch_.alpha(t).mutable_grad() = torch::Tensor();
    if (options_.clip_with_alpha && c.tensors.count(grad)) {
      torch::Tensor g = torch::empty_like(arch_.alpha(t));
      restore_tensor(g, c, grad);
      arch_.alpha(t).mutable_grad() = g;
    }
  }
  steps_done_ = c.integer("search/steps_done");
  method_->load(c);
  load_sgd_state(c, *weight_optimizer_, *network_, "optim/weights/");
  auto& adam_state = arch_optimizer_->state();
  adam_state.clear();
  for (const auto& [key, param] : arch_parameters()) {
    if (!c.integers.count(key + "/step")) continue;
    auto state = std::make_unique<torch::optim::AdamParamState>();
    torch::Tensor exp_avg = torch::empty_like(param), exp_avg_sq = torch::empty_like(param);
    restore_tensor(exp_avg, c, key + "/exp_avg");
    restore_tensor(exp_avg_sq, c, key + "/exp_avg_sq");
    state->step(c.integer(key + "/step"));
    state->exp_avg(exp_avg);
    state->exp_avg_sq(exp_avg_sq);
    adam_state[param.unsafeGetTensorImpl()] = std::move(state);
  }
}

}  // namespace ldarts
