#include "ldarts/search/searcher.h"

#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>

#include "ldarts/core/error.h"
#include "ldarts/search/alignment.h"

namespace ldarts {
namespace {

double top1_percent(const torch::Tensor& logits, const torch::Tensor& labels) {
  return logits.argmax(1).eq(labels).to(torch::kDouble).mean().item<double>() * 100.0;
}

// Gradients of every parameter, as one list for the all-reduce; missing grads
// become zeros so that every rank reduces the same buffers.
std::vector<torch::Tensor> parameter_grads(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : params) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  return grads;
}

}  // namespace

Searcher::Searcher(const SearchOptions& options, const SearchSpace& space, int64_t in_channels,
                   int64_t num_classes, Communicator& comm)
    : options_(options), space_(space), comm_(comm),
      network_(space, Nb201NetworkOptions{options.channels, options.cells_per_stage, in_channels, num_classes}),
      arch_(space) {
  LDARTS_CHECK(options.step_order == "auto" || options.step_order == "weights-first" ||
                   options.step_order == "arch-first",
               "--step-order must be auto, weights-first or arch-first, got '", options.step_order, "'");
  // NB201 codebases update ω first; DARTS codebases update α first.
  arch_first_ = options.step_order == "arch-first" ||
                (options.step_order == "auto" && space.kind == CellKind::darts);

  // Every rank starts from rank 0's ω and α.
  std::vector<torch::Tensor> initial = network_->parameters();
  for (const auto& b : network_->buffers()) initial.push_back(b);
  initial.push_back(arch_.alpha());
  {
    torch::NoGradGuard no_grad;
    comm_.broadcast(initial, 0);
  }

  weight_optimizer_ = std::make_unique<torch::optim::SGD>(
      network_->weights(), torch::optim::SGDOptions(options.lr)
                               .momentum(options.momentum)
                               .weight_decay(options.weight_decay)
                               .nesterov(options.nesterov));
  arch_optimizer_ = std::make_unique<torch::optim::Adam>(
      std::vector<torch::Tensor>{arch_.alpha()},
      torch::optim::AdamOptions(options.arch_lr)
          .betas({options.arch_beta1, options.arch_beta2})
          .weight_decay(options.arch_weight_decay));
}

StepStats Searcher::step(const Batch& train, const Batch& valid, double lr) {
  for (auto& group : weight_optimizer_->param_groups())
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
  network_->train();
  StepStats stats;
  if (arch_first_) arch_step(valid, stats);
  weight_step(train, stats);
  if (!arch_first_) arch_step(valid, stats);
  return stats;
}

// ω step: forward/backward on the train batch gives ∇ω L_train and every g_ℓ.
void Searcher::weight_step(const Batch& train, StepStats& stats) {
  const int cells = network_->num_search_cells();
  std::vector<torch::Tensor> cell_weights = arch_.cell_copies(cells);
  weight_optimizer_->zero_grad();
  const torch::Tensor logits = network_->forward(train.images, cell_weights);
  const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, train.labels);
  loss.backward();

  // Per-cell gradients, averaged over ranks before anything nonlinear uses them.
  std::vector<torch::Tensor> per_cell{stack_cell_grads(cell_weights)};  // [cells, edges*ops]
  comm_.all_reduce_mean(per_cell);
  stats.alignment_train = alignment(per_cell[0]).item<double>();
  stats.sign_alignment_train = sign_alignment(per_cell[0]).item<double>();

  std::vector<torch::Tensor> params = network_->weights();
  std::vector<torch::Tensor> grads = parameter_grads(params);
  comm_.all_reduce_mean(grads);
  torch::nn::utils::clip_grad_norm_(params, options_.grad_clip);
  weight_optimizer_->step();

  std::vector<torch::Tensor> metrics{torch::tensor({loss.item<double>(), top1_percent(logits, train.labels)},
                                                   torch::kDouble)};
  comm_.all_reduce_mean(metrics);
  stats.train_loss = metrics[0][0].item<double>();
  stats.train_acc = metrics[0][1].item<double>();
}

// α step: forward/backward on the validation batch with the current ω gives
// ∇α L_val through the per-cell copies; ω gradients are not computed.
void Searcher::arch_step(const Batch& valid, StepStats& stats) {
  const int cells = network_->num_search_cells();
  std::vector<torch::Tensor> cell_weights = arch_.cell_copies(cells);
  const torch::Tensor logits = network_->forward(valid.images, cell_weights);
  const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, valid.labels);
  const std::vector<torch::Tensor> g = torch::autograd::grad({loss}, cell_weights);

  std::vector<torch::Tensor> per_cell{torch::stack(g).reshape({cells, -1})};  // [cells, edges*ops]
  comm_.all_reduce_mean(per_cell);
  stats.alignment_valid = alignment(per_cell[0]).item<double>();
  stats.sign_alignment_valid = sign_alignment(per_cell[0]).item<double>();

  arch_optimizer_->zero_grad();
  arch_.set_grad_from_cells(per_cell[0]);
  arch_optimizer_->step();

  std::vector<torch::Tensor> metrics{torch::tensor({loss.item<double>(), top1_percent(logits, valid.labels)},
                                                   torch::kDouble)};
  comm_.all_reduce_mean(metrics);
  stats.valid_loss = metrics[0][0].item<double>();
  stats.valid_acc = metrics[0][1].item<double>();
}

EvalStats Searcher::evaluate(const std::vector<Batch>& batches) {
  torch::NoGradGuard no_grad;
  network_->eval();
  const std::vector<torch::Tensor> cell_weights(network_->num_search_cells(), arch_.probabilities());
  double loss_sum = 0, correct = 0, count = 0;
  for (const Batch& b : batches) {
    const torch::Tensor logits = network_->forward(b.images, cell_weights);
    loss_sum += torch::nn::functional::cross_entropy(logits, b.labels).item<double>() * b.labels.size(0);
    correct += logits.argmax(1).eq(b.labels).sum().item<double>();
    count += b.labels.size(0);
  }
  network_->train();
  std::vector<torch::Tensor> sums{torch::tensor({loss_sum, correct, count}, torch::kDouble)};
  comm_.all_reduce_mean(sums);
  const double n = sums[0][2].item<double>();
  return n > 0 ? EvalStats{sums[0][0].item<double>() / n, 100.0 * sums[0][1].item<double>() / n} : EvalStats{};
}

}  // namespace ldarts
