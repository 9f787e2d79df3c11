#include "ldarts/train/trainer.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/io/module_state.h"
#include "ldarts/ops/batch_norm.h"
#include "ldarts/run/device.h"

namespace ldarts {
namespace {

// bf16 autocast on the device for the lifetime of the guard (when enabled).
class AutocastGuard {
 public:
  AutocastGuard(bool enabled, c10::DeviceType device) : enabled_(enabled), device_(device) {
    if (!enabled_) return;
    previous_ = at::autocast::is_autocast_enabled(device_);
    previous_dtype_ = at::autocast::get_autocast_dtype(device_);
    at::autocast::set_autocast_dtype(device_, at::kBFloat16);
    at::autocast::set_autocast_enabled(device_, true);
  }
  ~AutocastGuard() {
    if (!enabled_) return;
    at::autocast::set_autocast_enabled(device_, previous_);
    at::autocast::set_autocast_dtype(device_, previous_dtype_);
    at::autocast::clear_cache();
  }

 private:
  bool enabled_, previous_ = false;
  at::ScalarType previous_dtype_ = at::kBFloat16;
  c10::DeviceType device_;
};

}  // namespace

torch::Tensor classification_loss(const torch::Tensor& logits, const torch::Tensor& labels, double smoothing) {
  const torch::Tensor log_p = torch::log_softmax(logits.to(torch::kFloat), 1);
  const torch::Tensor nll = -log_p.gather(1, labels.unsqueeze(1)).squeeze(1);
  if (smoothing == 0) return nll.mean();
  return ((1 - smoothing) * nll - smoothing * log_p.mean(1)).mean();
}

int64_t topk_correct(const torch::Tensor& logits, const torch::Tensor& labels, int64_t k) {
  k = std::min<int64_t>(k, logits.size(1));
  const torch::Tensor top = std::get<1>(logits.topk(k, 1));
  return top.eq(labels.unsqueeze(1)).any(1).sum().item<int64_t>();
}

Trainer::Trainer(const TrainOptions& o, EvalModel model, Communicator& comm)
    : options_(o), model_(std::move(model)), comm_(comm) {
  LDARTS_CHECK(o.label_smoothing >= 0 && o.label_smoothing < 1, "--label-smoothing must be in [0, 1), got ",
               o.label_smoothing);
  device_ = resolve_device(o.device);
  model_->to(device_);
  if (o.channels_last)
    for (auto& p : model_->parameters())
      if (p.dim() == 4) p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
  if (o.sync_bn) synchronize_batch_norms(*model_, comm_);
  // Every rank starts from rank 0's weights.
  std::vector<torch::Tensor> initial = model_->parameters();
  for (const auto& b : model_->buffers()) initial.push_back(b);
  {
    torch::NoGradGuard no_grad;
    comm_.broadcast(initial, 0);
  }
  optimizer_ = std::make_unique<torch::optim::SGD>(
      model_->parameters(),
      torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay).nesterov(o.nesterov));
}

torch::Tensor Trainer::to_device(const torch::Tensor& images) const {
  torch::Tensor x = images.to(device_);
  return options_.channels_last ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
}

TrainStats Trainer::step(const Batch& batch, double lr) {
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
  model_->train();
  const torch::Tensor labels = batch.labels.to(device_);
  EvalOutput out;
  torch::Tensor loss;
  {
    AutocastGuard autocast(options_.bf16, device_.type());
    out = model_->forward(to_device(batch.images));
    loss = classification_loss(out.logits, labels, options_.label_smoothing);
    if (out.aux_logits.defined())
      loss = loss + options_.auxiliary_weight * classification_loss(out.aux_logits, labels, options_.label_smoothing);
  }
  const double loss_value = loss.item<double>();
  LDARTS_CHECK(std::isfinite(loss_value), "step ", steps_done_ + 1, ": the training loss is ", loss_value,
               " (training diverged; lower --lr); the last checkpoint is untouched");
  optimizer_->zero_grad();
  loss.backward();
  std::vector<torch::Tensor> grads;
  for (auto& p : model_->parameters())
    if (p.grad().defined()) grads.push_back(p.grad());
  comm_.all_reduce_mean(grads);
  if (options_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), options_.grad_clip);
  optimizer_->step();
  if (comm_.world_size() > 1 && !options_.sync_bn) {  // running statistics follow rank 0, as DDP's broadcast_buffers
    std::vector<torch::Tensor> buffers = model_->buffers();
    torch::NoGradGuard no_grad;
    comm_.broadcast(buffers, 0);
  }
  ++steps_done_;
  const double n = static_cast<double>(labels.size(0));
  std::vector<torch::Tensor> sums{torch::tensor({loss_value, 100.0 * topk_correct(out.logits, labels, 1) / n,
                                                 100.0 * topk_correct(out.logits, labels, 5) / n},
                                                torch::kDouble)};
  comm_.all_reduce_mean(sums);
  return {sums[0][0].item<double>(), sums[0][1].item<double>(), sums[0][2].item<double>(), n};
}

TrainStats Trainer::evaluate(const std::vector<Batch>& batches) {
  size_t k = 0;
  return evaluate(int64_t(batches.size()), [&] { return batches[k++]; });
}

TrainStats Trainer::evaluate(int64_t batches, const std::function<Batch()>& next) {
  torch::NoGradGuard no_grad;
  model_->eval();
  double loss = 0, top1 = 0, top5 = 0, count = 0;
  for (int64_t i = 0; i < batches; ++i) {
    const Batch b = next();
    const torch::Tensor labels = b.labels.to(device_);
    torch::Tensor logits;
    {
      AutocastGuard autocast(options_.bf16, device_.type());
      logits = model_->forward(to_device(b.images)).logits;
    }
    loss += classification_loss(logits, labels, 0.0).item<double>() * labels.size(0);
    top1 += topk_correct(logits, labels, 1), top5 += topk_correct(logits, labels, 5);
    count += labels.size(0);
  }
  model_->train();
  std::vector<torch::Tensor> sums{torch::tensor({loss, top1, top5, count}, torch::kDouble)};
  comm_.all_reduce_mean(sums);  // means of sums: the ratios are unchanged
  const double n = sums[0][3].item<double>();
  if (n == 0) return {};
  return {sums[0][0].item<double>() / n, 100.0 * sums[0][1].item<double>() / n, 100.0 * sums[0][2].item<double>() / n,
          n * comm_.world_size()};
}

void Trainer::save_state(Checkpoint& c) const {
  save_module(c, *model_, "model/");
  save_sgd_state(c, *optimizer_, *model_, "optim/weights/");
  c.integers["train/steps_done"] = steps_done_;
}

void Trainer::load_state(const Checkpoint& c) {
  load_module(c, *model_, "model/");
  load_sgd_state(c, *optimizer_, *model_, "optim/weights/");
  steps_done_ = c.integer("train/steps_done");
}

}  // namespace ldarts
