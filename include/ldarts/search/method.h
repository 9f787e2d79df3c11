// Search methods: what a variant of DARTS changes in one bilevel step
// (docs/methods.md). The Searcher keeps the loop, the Λ regularizer, clipping, SGD
// and Adam; a method decides how the α gradient is formed (first order,
// unrolled) and which cell weights the ω pass sees. Adding one is a file in
// src/search/methods/ and a line in methods/registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/search/options.h"

namespace ldarts {

struct Batch;
struct Checkpoint;
struct SearchSpace;
struct StepSchedule;
struct StepStats;

// The α side of one pass over a batch: ∂L/∂P of every cell's copy of softmax(α),
// [cells, edges·ops], the PC-DARTS β gradients, both averaged over the global
// batch (micro-batches and ranks); this rank's loss and top-1 sums (0-dim).
struct ArchGrads {
  at::Tensor cells;
  std::vector<at::Tensor> betas;
  at::Tensor loss_sum, acc_sum;  // sums over this rank's micro-batches
};

// The passes of a step as a method combines them. Micro-batching and the
// all-reduce are inside: every gradient is the global batch's mean.
class Passes {
 public:
  virtual ~Passes() = default;
  // One leaf copy of softmax(α) per cell, each requiring grad.
  virtual std::vector<at::Tensor> cell_copies() = 0;
  // ∂L/∂P and ∂L/∂β on `batch` at the current ω; with weight_grads, also ∇ω L
  // from the same pass (global mean, in the order of weights()).
  virtual ArchGrads arch_grads(const Batch& batch, const std::vector<at::Tensor>& cell_weights,
                               std::vector<at::Tensor>* weight_grads = nullptr) = 0;
  // ∇ω L(batch) at the current ω and these cell weights, in the order of weights().
  virtual std::vector<at::Tensor> weight_grads(const Batch& batch, const std::vector<at::Tensor>& cell_weights) = 0;
  // ω: a method may move it under NoGradGuard and must put it back.
  virtual std::vector<at::Tensor> weights() = 0;
  // The ω SGD momentum buffers, undefined before the first ω step.
  virtual std::vector<at::Tensor> momentum_buffers() = 0;
  // BN running statistics (extra passes change them; a method may restore them).
  virtual std::vector<at::Tensor> buffers() = 0;
  // softmax(α) of each cell type, [edges, ops], without grad; the type of each cell.
  virtual std::vector<at::Tensor> type_probabilities() = 0;
  virtual std::vector<int> cell_types() = 0;
  // The mean loss of the global batch at these cell weights, without gradients.
  virtual double mean_loss(const Batch& batch, const std::vector<at::Tensor>& cell_weights) = 0;
  // Training or evaluation mode of the network (SDARTS-ADV attacks in eval mode).
  virtual void train_mode(bool on) = 0;
  virtual int64_t steps_done() const = 0;
};

// What α's gradient holds when the NB201 codebases clip network.parameters()
// before their ω step (--clip-with-alpha): the gradient of the last α step,
// never zeroed before the ω pass (DARTS-V1/V2, PC-DARTS), plus ∂L_train/∂α of
// the ω pass; or only ∂L_train/∂P, because the loop zeroed α's gradient and
// put softmax(α) (perturbed) in α's place for the ω pass (SmoothDARTS, β-DARTS).
enum class AlphaAtClip { last_step_plus_alpha_space, weight_pass_p_space };

class SearchMethod {
 public:
  virtual ~SearchMethod() = default;
  virtual MethodKind kind() const = 0;
  virtual AlphaAtClip alpha_at_clip() const { return AlphaAtClip::last_step_plus_alpha_space; }
  // The gradients of the α update. First order: arch_grads(valid, cell_copies()).
  // cell_grads_valid receives ∂L_val/∂P (the diagnostics' and Λ_valid's gradient).
  virtual ArchGrads arch_gradient(Passes& passes, const Batch& valid, const Batch& train, const StepSchedule& schedule,
                                  at::Tensor& cell_grads_valid);
  // The cell weights of the ω pass, one [edges, ops] value per cell, without
  // grad (SDARTS perturbs softmax(α) here); {} = the softmax(α) copies.
  virtual std::vector<at::Tensor> weight_pass_weights(Passes&, const Batch& /*train*/, const StepSchedule&) {
    return {};
  }
  // The cell weights the supernet is evaluated with (values); {} = softmax(α).
  virtual std::vector<at::Tensor> eval_weights(Passes&, const StepSchedule&) { return {}; }
  // Adds to α.grad (set from the α pass) what the method regularizes α with
  // (β-DARTS' Beta-Decay); one α per cell type.
  virtual void add_alpha_gradient(std::vector<at::Tensor>& /*alphas*/, const StepSchedule&) {}
  // State a resume needs (none for the stateless methods).
  virtual void save(Checkpoint&) const {}
  virtual void load(const Checkpoint&) {}
};

// The method of --method, checked against the other options (a user error
// names the combination that makes no sense).
std::unique_ptr<SearchMethod> make_method(const SearchOptions& options, const SearchSpace& space);

}  // namespace ldarts
