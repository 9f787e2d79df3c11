#include "ldarts/search/searcher.h"

#include <algorithm>
#include <cmath>

#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>

#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"
#include "ldarts/model/cell_evaluator.h"
#include "ldarts/search/alignment.h"

namespace ldarts {
namespace {

// Top-1 accuracy in percent as a 0-dim double tensor on the logits' device
// (read on the host once per pass, with the other scalars: host_scalars).
torch::Tensor top1_percent(const torch::Tensor& logits, const torch::Tensor& labels) {
  return logits.argmax(1).eq(labels).to(torch::kDouble).mean() * 100.0;
}

// Sum of 0-dim tensors in double, starting from undefined.
void accumulate(torch::Tensor& sum, const torch::Tensor& value) {
  const torch::Tensor v = value.detach().to(torch::kDouble);
  sum = sum.defined() ? sum + v : v;
}

// The scalars of a pass, read with one device-to-host copy (one sync on CUDA).
std::vector<double> host_scalars(const std::vector<torch::Tensor>& scalars) {
  std::vector<torch::Tensor> parts;
  for (const auto& t : scalars) parts.push_back(t.detach().to(torch::kDouble).reshape({1}));
  const torch::Tensor host = torch::cat(parts).cpu();
  return std::vector<double>(host.data_ptr<double>(), host.data_ptr<double>() + host.numel());
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

// autograd::grad that returns zeros for inputs the loss does not reach.
std::vector<torch::Tensor> gradients(const torch::Tensor& loss, const std::vector<torch::Tensor>& inputs) {
  std::vector<torch::Tensor> g = torch::autograd::grad({loss}, inputs, {}, false, false, /*allow_unused=*/true);
  for (size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = torch::zeros_like(inputs[i]);
  return g;
}

// With --accumulate M, a rank's BN running statistics follow its first
// micro-batch only, as those of R ranks follow rank 0's (the broadcast at the end
// of each step): the same statistics for every R × M split of a global batch.
// Later micro-batches' forward passes run inside one of these.
class KeepStatistics {
 public:
  KeepStatistics(SearchNetwork& network, bool active) {
    if (!active) return;
    buffers_ = network->buffers();
    for (const auto& b : buffers_) saved_.push_back(b.detach().clone());
  }
  ~KeepStatistics() {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < buffers_.size(); ++i) buffers_[i].copy_(saved_[i]);
  }
  KeepStatistics(const KeepStatistics&) = delete;
  KeepStatistics& operator=(const KeepStatistics&) = delete;

 private:
  std::vector<torch::Tensor> buffers_, saved_;
};

}  // namespace

static SearchNetworkOptions network_options(const SearchOptions& o, int64_t in_channels, int64_t num_classes) {
  SearchNetworkOptions n;
  n.channels = o.channels, n.cells_per_stage = o.cells_per_stage, n.layers = o.layers;
  n.in_channels = in_channels, n.num_classes = num_classes;
  LDARTS_CHECK(o.network == "cifar" || o.network == "imagenet", "--network must be cifar or imagenet, got '",
               o.network, "'");
  n.imagenet = o.network == "imagenet", n.partial_channels = o.partial_channels;
  n.edge_normalization = o.edge_normalization;
  n.cell_kernel = parse_cell_kernel(o.cell_kernel);
  n.skip_dropout = o.skip_dropout > 0;
  return n;
}

Searcher::Searcher(const SearchOptions& options, const SearchSpace& space, int64_t in_channels,
                   int64_t num_classes, Communicator& comm)
    : options_(options), space_(space), comm_(comm),
      network_(make_search_network(space, network_options(options, in_channels, num_classes))),
      arch_(space),
      regularizer_(options.regularizer),
      fd_mode_(options.fd_mode) {
  LDARTS_CHECK(options.epsilon0 > 0, "--epsilon0 must be positive, got ", options.epsilon0);
  outer_ = options.lambda_target == LambdaTarget::outer;
  const auto regularized = regularized_cells(space, network_->cell_types());
  LDARTS_CHECK(std::count(regularized.begin(), regularized.end(), true) >= 2, "space ", space.name,
               ": the layer alignment needs at least 2 ", space.kind == CellKind::darts ? "normal " : "",
               "cells, this network has ", std::count(regularized.begin(), regularized.end(), true),
               space.kind == CellKind::darts ? " (use --layers 4 or more)" : "");
  device_ = resolve_device(options.device);
  dtype_ = options.float64 ? torch::kDouble : torch::kFloat;
  if (device_.is_cuda()) {  // off by default: the finite differences divide by 2ε (docs/benchmarks.md)
    at::globalContext().setAllowTF32CuDNN(options.tf32);
    at::globalContext().setAllowTF32CuBLAS(options.tf32);
  }
  network_->set_skip_dropout(options.skip_dropout);  // a search run sets each epoch's rate
  network_->to(device_);
  if (dtype_ != torch::kFloat) {  // floating-point tensors only: num_batches_tracked stays int64
    torch::NoGradGuard no_grad;
    for (auto& p : network_->parameters()) p.set_data(p.data().to(dtype_));
    for (auto& b : network_->buffers())
      if (b.is_floating_point()) b.set_data(b.data().to(dtype_));
  }
  arch_.to(device_, dtype_);
  // NB201 codebases update ω first; DARTS codebases update α first.
  alpha_first_ = options.step_order == StepOrder::arch_first ||
                (options.step_order == StepOrder::automatic && space.kind == CellKind::darts);

  // Every rank starts from rank 0's ω and α.
  std::vector<torch::Tensor> initial = network_->parameters();
  for (const auto& b : network_->buffers()) initial.push_back(b);
  for (const auto& a : arch_.alphas()) initial.push_back(a);
  {
    torch::NoGradGuard no_grad;
    comm_.broadcast(initial, 0);
  }

  weight_optimizer_ = std::make_unique<torch::optim::SGD>(
      network_->weights(), torch::optim::SGDOptions(options.lr)
                               .momentum(options.momentum)
                               .weight_decay(options.weight_decay)
                               .nesterov(options.nesterov));
  std::vector<torch::Tensor> arch_params = arch_.alphas();
  for (const auto& b : network_->edge_parameters()) arch_params.push_back(b);
  arch_optimizer_ = std::make_unique<torch::optim::Adam>(
      arch_params,
      torch::optim::AdamOptions(options.arch_lr)
          .betas({options.arch_beta1, options.arch_beta2})
          .weight_decay(options.arch_weight_decay));
  method_ = make_method(options, space);
}

// The Passes a method sees: the searcher's network, α and micro-batching.
class Searcher::StepPasses final : public Passes {
 public:
  explicit StepPasses(Searcher& s) : s_(s) {}
  std::vector<torch::Tensor> cell_copies() override { return s_.arch_.cell_copies(s_.network_->cell_types()); }
  CellGradients cell_gradients(const Batch& batch, const std::vector<torch::Tensor>& cell_weights,
                       std::vector<torch::Tensor>* weight_grads) override {
    return s_.cell_gradient_pass(batch, cell_weights, weight_grads);
  }
  std::vector<torch::Tensor> weight_grads(const Batch& batch, const std::vector<torch::Tensor>& cell_weights) override {
    std::vector<torch::Tensor> grads = s_.local_weight_grads(s_.micro_batches(batch), cell_weights);
    s_.comm_.all_reduce_mean(grads);
    return grads;
  }
  std::vector<torch::Tensor> weights() override { return s_.network_->weights(); }
  std::vector<torch::Tensor> momentum_buffers() override {
    std::vector<torch::Tensor> out;
    const auto& state = s_.weight_optimizer_->state();
    for (const auto& p : s_.network_->weights()) {
      auto it = state.find(p.unsafeGetTensorImpl());
      out.push_back(it == state.end() ? torch::Tensor()
                                      : static_cast<const torch::optim::SGDParamState&>(*it->second).momentum_buffer());
    }
    return out;
  }
  std::vector<torch::Tensor> buffers() override { return s_.network_->buffers(); }
  std::vector<torch::Tensor> type_probabilities() override {
    std::vector<torch::Tensor> out;
    for (int t = 0; t < s_.arch_.num_types(); ++t) out.push_back(s_.arch_.probabilities(t));
    return out;
  }
  std::vector<int> cell_types() override { return s_.network_->cell_types(); }
  double mean_loss(const Batch& batch, const std::vector<torch::Tensor>& cell_weights) override {
    torch::NoGradGuard no_grad;
    torch::Tensor sum;
    const std::vector<Batch> micro = s_.micro_batches(batch);
    for (const Batch& b : micro) {
      const KeepStatistics keep(s_.network_, &b != &micro.front());
      s_.seed_noise(&b - &micro.front());
      accumulate(sum, s_.loss_of(b, cell_weights));
    }
    std::vector<torch::Tensor> mean{sum / double(micro.size())};
    s_.comm_.all_reduce_mean(mean);
    return mean[0].item<double>();
  }
  void train_mode(bool on) override { s_.network_->train(on); }
  int64_t steps_done() const override { return s_.steps_done_; }

 private:
  Searcher& s_;
};

torch::Tensor Searcher::loss_of(const Batch& batch, const std::vector<torch::Tensor>& cell_weights) {
  return torch::nn::functional::cross_entropy(network_->forward(batch.images, cell_weights), batch.labels);
}

StepStats Searcher::step(const Batch& train, const Batch& valid, const StepSchedule& schedule) {
  for (auto& group : weight_optimizer_->param_groups())
    static_cast<torch::optim::SGDOptions&>(group.options()).lr(schedule.lr);
  network_->train();
  StepStats stats;
  if (alpha_first_ && schedule.update_alpha) alpha_step(valid, train, schedule, stats);
  weight_step(train, schedule, stats);
  if (!alpha_first_ && schedule.update_alpha) alpha_step(valid, train, schedule, stats);
  // BN running statistics follow rank 0 (as DDP's broadcast_buffers), so that
  // every rank holds the same model and a checkpoint of rank 0 is everyone's.
  if (comm_.world_size() > 1) {
    std::vector<torch::Tensor> buffers = network_->buffers();
    torch::NoGradGuard no_grad;
    comm_.broadcast(buffers, 0);
  }
  ++steps_done_;
  return stats;
}

// ω step: forward/backward on the train batch gives ∇ω L_train and every g_ℓ;
// with λ_t > 0 the finite-difference passes add λ_t·r ≈ −λ_t∇ωΛ (eq. 13).
// With --accumulate M the batch is cut into M micro-batches whose gradients
// are averaged, exactly as M ranks would average theirs.
void Searcher::weight_step(const Batch& train, const StepSchedule& schedule, StepStats& stats) {
  const double lambda = schedule.lambda;
  pass_seed_ = derive_seed(options_.seed, {0x5d7, uint64_t(steps_done_), 0});  // every pass on `train`: the same masks
  // The method's cell weights for this pass (SDARTS: a perturbed softmax(α)), or the copies.
  StepPasses passes(*this);
  const std::vector<torch::Tensor> method_weights = method_->weight_pass_weights(passes, train, schedule);
  auto pass_weights = [&] {
    if (method_weights.empty()) return arch_.cell_copies(network_->cell_types());
    std::vector<torch::Tensor> leaves;
    for (const auto& w : method_weights) leaves.push_back(w.detach().clone().requires_grad_(true));
    return leaves;
  };
  const std::vector<Batch> micro = micro_batches(train);
  const double share = 1.0 / micro.size();
  weight_optimizer_->zero_grad();
  torch::Tensor per_cell_sum, loss_sum, acc_sum;
  for (const Batch& b : micro) {
    const KeepStatistics keep(network_, &b != &micro.front());
    seed_noise(&b - &micro.front());
    std::vector<torch::Tensor> cell_weights = pass_weights();
    const torch::Tensor logits = network_->forward(b.images, cell_weights);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, b.labels);
    (micro.size() == 1 ? loss : loss * share).backward();
    const torch::Tensor g = stack_cell_grads(cell_weights);  // [cells, edges*ops]
    per_cell_sum = per_cell_sum.defined() ? per_cell_sum + g : g;
    accumulate(loss_sum, loss), accumulate(acc_sum, top1_percent(logits, b.labels));
  }

  // Per-cell gradients, averaged over ranks before anything nonlinear uses them.
  std::vector<torch::Tensor> per_cell{per_cell_sum};
  comm_.all_reduce_mean(per_cell);
  const torch::Tensor aligned_train = regularized_rows(per_cell[0]);  // Λ of the regularized (normal) cells
  // One host sync for this pass's scalars; the loss is checked before any update.
  const std::vector<double> scalars =
      host_scalars({loss_sum, acc_sum, alignment(aligned_train), sign_alignment(aligned_train)});
  const double loss_value = scalars[0] * share;
  LDARTS_CHECK(std::isfinite(loss_value), "step ", steps_done_ + 1, ": the training loss is ", loss_value,
               " (the search diverged; lower --lr or --lambda); the last checkpoint is untouched");
  stats.alignment_train = scalars[2];
  stats.sign_alignment_train = scalars[3];

  std::vector<torch::Tensor> params = network_->weights();
  std::vector<torch::Tensor> grads = parameter_grads(params);
  if (regularizer_ != RegularizerKind::none && !outer_ && lambda > 0) {
    const torch::Tensor delta =
        perturbations(per_cell[0], regularizer_, regularized_cells(space_, network_->cell_types()));
    stats.delta_norm = delta.norm().item<double>();
    if (stats.delta_norm > 0) {
      stats.epsilon = options_.epsilon0 / stats.delta_norm;
      // ∇ω of this rank's loss (the micro-batch mean) at perturbed cell weights.
      const GradientAt omega_gradient = [&](const std::vector<torch::Tensor>& w) {
        return local_weight_grads(micro, w);
      };
      const std::vector<torch::Tensor> probs =
          method_weights.empty() ? arch_.cell_probabilities(network_->cell_types()) : method_weights;
      const std::vector<torch::Tensor> r = finite_difference(omega_gradient, probs, delta, stats.epsilon,
                                                             resolve_fd_mode(fd_mode_, steps_done_), grads);
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < grads.size(); ++i) grads[i].add_(r[i], lambda);
      stats.regularized = true;
    }
  }
  comm_.all_reduce_mean(grads);
  stats.grad_norm = options_.clip_with_alpha ? clip_with_alpha(params, per_cell[0])
                                             : torch::nn::utils::clip_grad_norm_(params, options_.grad_clip);
  LDARTS_CHECK(std::isfinite(stats.grad_norm), "step ", steps_done_ + 1, ": the ω gradient norm is ", stats.grad_norm,
               stats.regularized ? " (with the regularizer term; lower --lambda)" : "",
               "; the search diverged and the last checkpoint is untouched");
  weight_optimizer_->step();

  std::vector<torch::Tensor> metrics{torch::tensor({scalars[0] * share, scalars[1] * share}, torch::kDouble)};
  comm_.all_reduce_mean(metrics);
  stats.train_loss = metrics[0][0].item<double>();
  stats.train_acc = metrics[0][1].item<double>();
}

std::vector<torch::Tensor> Searcher::local_weight_grads(const std::vector<Batch>& micro,
                                                        const std::vector<torch::Tensor>& cell_weights) {
  const double share = 1.0 / micro.size();
  const std::vector<torch::Tensor> params = network_->weights();
  std::vector<torch::Tensor> sum;
  for (const Batch& b : micro) {
    const KeepStatistics keep(network_, &b != &micro.front());
    seed_noise(&b - &micro.front());
    const torch::Tensor loss = loss_of(b, cell_weights);
    const auto g = gradients(micro.size() == 1 ? loss : loss * share, params);
    if (sum.empty()) sum = g;
    else for (size_t i = 0; i < g.size(); ++i) sum[i] = sum[i] + g[i];
  }
  return sum;
}

CellGradients Searcher::cell_gradient_pass(const Batch& batch, const std::vector<torch::Tensor>& cell_weights,
                              std::vector<torch::Tensor>* weight_grads) {
  const int cells = network_->num_search_cells();
  const std::vector<Batch> micro = micro_batches(batch);
  const double share = 1.0 / micro.size();
  const std::vector<torch::Tensor> betas = network_->edge_parameters();  // PC-DARTS β, trained with α
  const std::vector<torch::Tensor> params = weight_grads ? network_->weights() : std::vector<torch::Tensor>{};
  CellGradients out;
  std::vector<torch::Tensor> omega_sum;
  for (const Batch& b : micro) {
    const KeepStatistics keep(network_, &b != &micro.front());
    seed_noise(&b - &micro.front());
    const torch::Tensor logits = network_->forward(b.images, cell_weights);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, b.labels);
    std::vector<torch::Tensor> inputs = cell_weights;
    inputs.insert(inputs.end(), betas.begin(), betas.end());
    inputs.insert(inputs.end(), params.begin(), params.end());
    std::vector<torch::Tensor> g = weight_grads ? gradients(micro.size() == 1 ? loss : loss * share, inputs)
                                                : torch::autograd::grad({micro.size() == 1 ? loss : loss * share}, inputs);
    for (size_t i = 0; i < betas.size(); ++i) {
      const torch::Tensor& gb = g[cell_weights.size() + i];
      if (out.betas.size() <= i) out.betas.push_back(gb);
      else out.betas[i] = out.betas[i] + gb;
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const torch::Tensor& gw = g[cell_weights.size() + betas.size() + i];
      if (omega_sum.size() <= i) omega_sum.push_back(gw);
      else omega_sum[i] = omega_sum[i] + gw;
    }
    g.resize(cell_weights.size());
    const torch::Tensor stacked = torch::stack(g).reshape({cells, -1});  // [cells, edges*ops]
    out.cells = out.cells.defined() ? out.cells + stacked : stacked;
    accumulate(out.loss_sum, loss), accumulate(out.acc_sum, top1_percent(logits, b.labels));
  }
  if (!out.betas.empty()) comm_.all_reduce_mean(out.betas);
  std::vector<torch::Tensor> per_cell{out.cells};
  comm_.all_reduce_mean(per_cell);
  out.cells = per_cell[0];
  if (weight_grads) {
    comm_.all_reduce_mean(omega_sum);
    *weight_grads = omega_sum;
  }
  return out;
}

torch::Tensor Searcher::alpha_gradient(const Batch& valid, const Batch& train, const StepSchedule& schedule) {
  network_->train();
  StepPasses passes(*this);
  torch::Tensor cell_grads_valid;
  return method_->alpha_gradient(passes, valid, train, schedule, cell_grads_valid).cells;
}

std::vector<torch::Tensor> Searcher::weight_pass_weights(const Batch& train, const StepSchedule& schedule) {
  network_->train();
  StepPasses passes(*this);
  return method_->weight_pass_weights(passes, train, schedule);
}

// α step: the method's gradient of L_val through the per-cell copies (first
// order: at the current ω; ω gradients are not computed), Λ_valid of ∂L_val/∂P,
// the outer regularizer, then Adam.
void Searcher::alpha_step(const Batch& valid, const Batch& train, const StepSchedule& schedule, StepStats& stats) {
  pass_seed_ = derive_seed(options_.seed, {0x5d7, uint64_t(steps_done_), 1});  // the α step's passes: their own masks
  StepPasses passes(*this);
  torch::Tensor cell_grads_valid;
  CellGradients grads = method_->alpha_gradient(passes, valid, train, schedule, cell_grads_valid);
  const double share = 1.0 / options_.accumulate;
  const torch::Tensor aligned_valid = regularized_rows(cell_grads_valid);
  valid_cell_gradients_ = cell_grads_valid;

  torch::Tensor arch_grad = grads.cells;
  if (regularizer_ != RegularizerKind::none && outer_ && schedule.lambda > 0)
    arch_grad = arch_grad + schedule.lambda * outer_regularizer(train, stats);
  // One host sync for this pass's scalars and the finite check.
  const std::vector<double> scalars = host_scalars({grads.loss_sum, grads.acc_sum, alignment(aligned_valid),
                                                    sign_alignment(aligned_valid), torch::isfinite(arch_grad).all()});
  stats.alignment_valid = scalars[2];
  stats.sign_alignment_valid = scalars[3];
  LDARTS_CHECK(scalars[4] != 0, "step ", steps_done_ + 1,
               ": the α gradient is not finite (the search diverged); the last checkpoint is untouched");
  arch_optimizer_->zero_grad();
  arch_.set_grad_from_cells(arch_grad, network_->cell_types());
  std::vector<torch::Tensor> alphas = arch_.alphas();
  method_->add_alpha_gradient(alphas, schedule);
  const std::vector<torch::Tensor> betas = network_->edge_parameters();
  for (size_t i = 0; i < betas.size(); ++i) betas[i].mutable_grad() = grads.betas[i];
  if (options_.arch_grad_clip > 0) {  // one norm over α and β, as P-DARTS and PC-DARTS clip arch_parameters()
    std::vector<torch::Tensor> clipped = alphas;
    clipped.insert(clipped.end(), betas.begin(), betas.end());
    torch::nn::utils::clip_grad_norm_(clipped, options_.arch_grad_clip);
  }
  arch_optimizer_->step();

  std::vector<torch::Tensor> metrics{torch::tensor({scalars[0] * share, scalars[1] * share}, torch::kDouble)};
  comm_.all_reduce_mean(metrics);
  stats.arch_loss = metrics[0][0].item<double>();
  stats.arch_acc = metrics[0][1].item<double>();
}

torch::Tensor Searcher::regularized_rows(const torch::Tensor& per_cell) const {
  const std::vector<bool> mask = regularized_cells(space_, network_->cell_types());
  std::vector<int64_t> rows;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) rows.push_back(static_cast<int64_t>(i));
  if (rows.size() == mask.size()) return per_cell;
  return per_cell.index_select(0, torch::tensor(rows, torch::kLong).to(per_cell.device()));
}

torch::Tensor Searcher::device_images(const torch::Tensor& images) const {
  const torch::Tensor on_device =
      images.to(device_, dtype_, /*non_blocking=*/device_.is_cuda() && images.is_pinned());
  // Channels-last input makes every conv, BN and pool of the network run in
  // that layout (their outputs follow the input's).
  return options_.channels_last ? on_device.contiguous(at::MemoryFormat::ChannelsLast) : on_device;
}

double Searcher::clip_with_alpha(const std::vector<torch::Tensor>& params, const torch::Tensor& cell_grads_train) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> norms;  // per tensor, as clip_grad_norm_ takes them
  for (const auto& p : params)
    if (p.grad().defined()) norms.push_back(p.grad().norm());
  const std::vector<torch::Tensor> sums = arch_.type_sums(cell_grads_train, network_->cell_types());
  for (int t = 0; t < arch_.num_types(); ++t) {
    if (method_->alpha_at_clip() == AlphaAtClip::weight_pass_p_space) {
      norms.push_back(sums[t].norm());
      continue;
    }
    const torch::Tensor& last = arch_.alpha(t).grad();  // the last α step's, still there
    const torch::Tensor train = arch_.alpha_grad(t, sums[t]);
    norms.push_back((last.defined() ? last + train : train).norm());
  }
  const double total = torch::stack(norms).norm().item<double>();
  const double coefficient = std::min(1.0, options_.grad_clip / (total + 1e-6));  // clip_grad_norm_'s
  for (const auto& p : params)
    if (p.grad().defined()) p.grad().mul_(coefficient);
  return total;
}

void Searcher::seed_noise(size_t micro) {
  network_->set_noise_seed(derive_seed(pass_seed_, {uint64_t(comm_.rank() * options_.accumulate) + micro}));
}

std::vector<Batch> Searcher::micro_batches(const Batch& batch) const {
  const int64_t m = options_.accumulate;
  LDARTS_CHECK(m >= 1 && batch.labels.size(0) % m == 0, "a batch of ", batch.labels.size(0),
               " per rank cannot be cut into --accumulate ", m, " equal micro-batches");
  const auto images = device_images(batch.images).chunk(m), labels = batch.labels.to(device_).chunk(m);
  std::vector<Batch> out;
  for (int64_t i = 0; i < m; ++i) out.push_back({images[i], labels[i]});
  return out;
}

// Outer objective (§A.4): the same finite differences, but of ∂L_train/∂P, so
// that r ≈ −∇_P Λ_train and α descends on L_val − λΛ_train.
torch::Tensor Searcher::outer_regularizer(const Batch& train, StepStats& stats) {
  const int cells = network_->num_search_cells();
  const GradientAt cell_gradient = [&](const std::vector<torch::Tensor>& w) {
    std::vector<torch::Tensor> leaves;
    for (const auto& t : w) leaves.push_back(t.detach().requires_grad_(true));
    seed_noise(0);
    return gradients(loss_of(Batch{device_images(train.images), train.labels.to(device_)}, leaves), leaves);
  };
  const std::vector<torch::Tensor> probs = arch_.cell_probabilities(network_->cell_types());
  std::vector<torch::Tensor> g_train = cell_gradient(probs);  // the whole train batch (no micro-batches here)
  std::vector<torch::Tensor> per_cell{torch::stack(g_train).reshape({cells, -1})};
  comm_.all_reduce_mean(per_cell);
  const torch::Tensor delta =
      perturbations(per_cell[0], regularizer_, regularized_cells(space_, network_->cell_types()));
  stats.delta_norm = delta.norm().item<double>();
  if (stats.delta_norm == 0) return torch::zeros_like(per_cell[0]);
  stats.epsilon = options_.epsilon0 / stats.delta_norm;
  stats.regularized = true;
  const std::vector<torch::Tensor> r = finite_difference(cell_gradient, probs, delta, stats.epsilon,
                                                         resolve_fd_mode(fd_mode_, steps_done_), g_train);
  std::vector<torch::Tensor> r_cells{torch::stack(r).reshape({cells, -1})};
  comm_.all_reduce_mean(r_cells);
  return r_cells[0];
}

EvalStats Searcher::evaluate(const std::vector<Batch>& batches, const std::function<void()>& between_batches,
                             const StepSchedule& schedule) {
  torch::NoGradGuard no_grad;
  network_->eval();
  StepPasses passes(*this);
  std::vector<torch::Tensor> cell_weights = method_->eval_weights(passes, schedule);
  if (cell_weights.empty()) cell_weights = arch_.cell_probabilities(network_->cell_types());
  double loss_sum = 0, correct = 0, count = 0;
  for (const Batch& b : batches) {
    const torch::Tensor labels = b.labels.to(device_);
    const torch::Tensor logits = network_->forward(device_images(b.images), cell_weights);
    loss_sum += torch::nn::functional::cross_entropy(logits, labels).item<double>() * b.labels.size(0);
    correct += logits.argmax(1).eq(labels).sum().item<double>();
    count += b.labels.size(0);
    if (between_batches) between_batches();
  }
  network_->train();
  std::vector<torch::Tensor> sums{torch::tensor({loss_sum, correct, count}, torch::kDouble)};
  comm_.all_reduce_mean(sums);
  const double n = sums[0][2].item<double>();
  return n > 0 ? EvalStats{sums[0][0].item<double>() / n, 100.0 * sums[0][1].item<double>() / n} : EvalStats{};
}

}  // namespace ldarts
