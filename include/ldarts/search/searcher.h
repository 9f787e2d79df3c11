// The bilevel search step of first-order DARTS (docs/method.md §2) on a supernet whose
// cells each get their own copy of softmax(α).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>

#include "ldarts/data/augment.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/model/search_network.h"
#include "ldarts/run/device.h"
#include "ldarts/search/architecture.h"
#include "ldarts/search/method.h"
#include "ldarts/search/options.h"
#include "ldarts/search/regularizer.h"

namespace ldarts {

// What one step measured (means over this step's global batch).
struct StepStats {
  double train_loss = 0, train_acc = 0;  // ω pass
  double arch_loss = 0, arch_acc = 0;    // α pass (on the valid part)
  double alignment_train = 0, alignment_valid = 0;            // Λ (eq. 5) of the regularized cells
  double sign_alignment_train = 0, sign_alignment_valid = 0;  // Λ± (eq. 7)
  bool regularized = false;         // the finite-difference passes ran this step
  double epsilon = 0, delta_norm = 0;  // ε and ‖Δ‖_F when they did
  double grad_norm = 0;             // ‖∇ω‖ seen by the clip (regularizer term included)
};

// Loss and top-1 accuracy (%) of one evaluation.
struct EvalStats {
  double loss = 0, accuracy = 0;
};


class Searcher {
 public:
  Searcher(const SearchOptions& options, const SearchSpace& space, int64_t in_channels,
           int64_t num_classes, Communicator& comm);

  // One bilevel step.
  StepStats step(const Batch& train, const Batch& valid, const StepSchedule& schedule);

  // Supernet accuracy on batches, in eval mode, without gradients, with the
  // method's evaluation weights at `schedule`'s epoch (DARTS-: the auxiliary skip).
  // between_batches runs after each batch (the run loop's stop check).
  EvalStats evaluate(const std::vector<Batch>& batches, const std::function<void()>& between_batches = {},
                     const StepSchedule& schedule = {});

  // Everything the searcher needs to continue exactly: ω and buffers
  // ("model/<module name>"), α ("arch/<cell type>"), SGD momentum and Adam moments
  // ("optim/..."), the step counter. load_state checks names and shapes.
  void save_state(Checkpoint& checkpoint) const;
  void load_state(const Checkpoint& checkpoint);
  int64_t steps_done() const { return steps_done_; }

  torch::Device device() const { return device_; }
  SearchNetwork& network() { return network_; }
  Architecture& architecture() { return arch_; }
  bool alpha_step_first() const { return alpha_first_; }
  // ∂L_val/∂P of every cell's copy in the last α pass, [cells, edges·ops],
  // averaged over ranks (undefined before the first α step). For the diagnostics.
  const torch::Tensor& valid_cell_gradients() const { return valid_cell_gradients_; }
  // Images on the device, channels-last with --channels-last.
  torch::Tensor device_images(const torch::Tensor& images) const;
  // The method's gradient of the α update, ∂L/∂P per cell [cells, edges·ops],
  // without updating anything (tests). BN running statistics may change.
  torch::Tensor alpha_gradient(const Batch& valid, const Batch& train, const StepSchedule& schedule);
  // The cell weights the method gives the ω pass ({} = the softmax(α) copies), without a step (tests).
  std::vector<torch::Tensor> weight_pass_weights(const Batch& train, const StepSchedule& schedule);
  const SearchMethod& method() const { return *method_; }
  // Before an epoch's first step: the method's per-epoch settings (P-DARTS' skip-dropout rate).
  void begin_epoch(int epoch, int epochs) { method_->begin_epoch(*network_, epoch, epochs); }

 private:
  class StepPasses;  // the Passes a method sees
  void weight_step(const Batch& train, const StepSchedule& schedule, StepStats& stats);
  void alpha_step(const Batch& valid, const Batch& train, const StepSchedule& schedule, StepStats& stats);
  // One pass over `batch` (device, micro-batches) at the current ω: ∂L/∂P, ∂L/∂β and
  // optionally ∇ω, all global means. CellGradients' loss/acc are this rank's sums.
  CellGradients cell_gradient_pass(const Batch& batch, const std::vector<torch::Tensor>& cell_weights,
                      std::vector<torch::Tensor>* weight_grads);
  // ∇ω of this rank's loss (the mean over its micro-batches) at these cell weights; no all-reduce.
  std::vector<torch::Tensor> local_weight_grads(const std::vector<Batch>& micro,
                                                const std::vector<torch::Tensor>& cell_weights);
  // −∇Λ estimate for the outer objective: [cells, edges*ops], averaged over ranks.
  torch::Tensor outer_regularizer(const Batch& train, StepStats& stats);
  torch::Tensor loss_of(const Batch& batch, const std::vector<torch::Tensor>& cell_weights);
  // The rows of the regularized cells (all in NB201, the normal cells in DARTS spaces).
  torch::Tensor regularized_rows(const torch::Tensor& per_cell) const;
  // --clip-with-alpha: clips ω's gradient by the norm over ω and the gradient α holds
  // at this point in the NB201 codebases (SearchMethod::alpha_at_clip); returns that norm.
  double clip_with_alpha(const std::vector<torch::Tensor>& params, const torch::Tensor& cell_grads_train);
  // Seeds the random layers (P-DARTS' skip dropout) for micro-batch `micro` of this
  // rank in the current pass: the same seed for R ranks as for R micro-batches.
  void seed_noise(size_t micro);
  // The batch on the device, cut into --accumulate micro-batches.
  std::vector<Batch> micro_batches(const Batch& batch) const;
  // α per cell type and the network's β, with their optimizer-state keys.
  std::vector<std::pair<std::string, torch::Tensor>> arch_parameters() const;

  SearchOptions options_;
  const SearchSpace& space_;
  Communicator& comm_;
  SearchNetwork network_;
  Architecture arch_;
  std::unique_ptr<torch::optim::SGD> weight_optimizer_;
  std::unique_ptr<torch::optim::Adam> arch_optimizer_;
  std::unique_ptr<SearchMethod> method_;
  bool alpha_first_ = false;
  RegularizerKind regularizer_;
  FdMode fd_mode_;
  bool outer_ = false;
  int64_t steps_done_ = 0;
  uint64_t pass_seed_ = 0;  // of the current ω or α step's passes (seed_noise), set by weight_step and alpha_step
  torch::Tensor valid_cell_gradients_;  // for the interleaved mode
  torch::Device device_{torch::kCPU};
  torch::Dtype dtype_ = torch::kFloat;  // ω, α and activations (--float64: double)
};

}  // namespace ldarts
