#include "ldarts/run/epoch_loop.h"

#include <cmath>
#include <cstdio>

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/core/signals.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/io/module_state.h"

namespace ldarts {

double find_scalar(const Scalars& scalars, const std::string& name) {
  for (const auto& [key, value] : scalars)
    if (key == name) return value;
  return std::nan("");
}

const std::string* find_text(const Texts& texts, const std::string& name) {
  for (const auto& [key, value] : texts)
    if (key == name) return &value;
  return nullptr;
}

// ---- EpochMeans -----------------------------------------------------------------------------

void EpochMeans::add(const Scalars& step) {
  for (const auto& [name, value] : step) {
    auto it = sums_.begin();
    while (it != sums_.end() && it->first != name) ++it;
    if (it == sums_.end()) sums_.emplace_back(name, value);
    else it->second += value;
  }
  ++steps_;
}

double EpochMeans::sum(const std::string& name) const {
  for (const auto& [key, value] : sums_)
    if (key == name) return value;
  return 0.0;
}

double EpochMeans::mean(const std::string& name) const { return steps_ ? sum(name) / steps_ : 0.0; }

double EpochMeans::mean_over(const std::string& name, const std::string& count) const {
  const double n = sum(count);
  return n != 0 ? sum(name) / n : 0.0;
}

void EpochMeans::clear() { sums_.clear(), steps_ = 0; }

void EpochMeans::save(Checkpoint& c) const {
  for (const auto& [name, value] : sums_) c.doubles["epoch_sums/" + name] = value;
  c.integers["epoch_sums/steps"] = steps_;
}

void EpochMeans::load(const Checkpoint& c) {
  // Names in checkpoints of ldarts 0.1.
  static const std::map<std::string, std::string> renamed = {
      {"valid_loss", "arch_loss"}, {"valid_acc", "arch_acc"}, {"loss", "train_loss"}, {"top1", "train_top1"},
      {"top5", "train_top5"}};
  clear();
  const std::string prefix = "epoch_sums/";
  for (const auto& [key, value] : c.doubles) {
    if (key.rfind(prefix, 0) != 0) continue;
    std::string name = key.substr(prefix.size());
    if (renamed.count(name) && !c.doubles.count(prefix + renamed.at(name))) name = renamed.at(name);
    sums_.emplace_back(name, value);
  }
  if (c.integers.count("epoch_sums/regularized_steps"))
    sums_.emplace_back("regularized", double(c.integer("epoch_sums/regularized_steps")));
  steps_ = c.integer("epoch_sums/steps");
}

// ---- EpochLoop ------------------------------------------------------------------------------

EpochLoop::EpochLoop(const RunFolder& folder, RunHeader header, LoopOptions options, Communicator& comm)
    : folder_(folder), header_(std::move(header)), options_(std::move(options)), comm_(comm) {
  LDARTS_CHECK(options_.epochs > 0, "--epochs must be positive");
  header_.run_id = folder_.id();
  if (options_.resume == "auto") {
    const bool root = comm_.is_root();
    resumed_ = read_newest_checkpoint(folder_.path(), folder_.id(), [root](const std::string& message) {
      if (root) std::fprintf(stderr, "warning: %s\n", message.c_str());
    });
  } else if (!options_.resume.empty()) {
    resumed_ = read_checkpoint(options_.resume);
  }
  if (!resumed_) return;
  const std::string& from = resumed_->source;
  header_.check(*resumed_);
  start_epoch_ = int(resumed_->integer("state/epoch"));
  start_step_ = resumed_->integer("state/step");
  LDARTS_CHECK(start_epoch_ <= options_.epochs, from, ": the checkpoint is at epoch ", start_epoch_ + 1,
               ", beyond --epochs ", options_.epochs);
  means_.load(*resumed_);
}

RunObserver& EpochLoop::add(std::unique_ptr<RunObserver> observer) {
  observer->declare(schema_);
  observers_.push_back(std::move(observer));
  return *observers_.back();
}

void EpochLoop::save_checkpoint(const Body& body, int epoch, int64_t step) {
  const auto rng_states = gather_rng_states(comm_, torch::Device(options_.device));
  if (folder_.root()) write_checkpoint_now(body, epoch, step, rng_states);
  // No rank goes on (or exits after a stop signal) before the checkpoint is on disk.
  comm_.barrier();
}

void EpochLoop::write_checkpoint_now(const Body& body, int epoch, int64_t step,
                                     const std::map<std::string, at::Tensor>& rng_states) {
  Checkpoint c;
  body.save_state(c);
  means_.save(c);
  c.integers["state/epoch"] = epoch;
  c.integers["state/step"] = step;
  header_.write(c);
  for (const auto& observer : observers_) observer->save(c);
  for (const auto& [key, states] : rng_states) c.tensors[key] = states;
  write_checkpoint(folder_.file(checkpoint_name(body.steps_done())), c);
  rotate_checkpoints(folder_.path(), options_.keep_checkpoints, folder_.id());
}

void EpochLoop::check_stop() {
  if (stop_agreed(comm_)) throw StopRequested{};
}

void EpochLoop::run(const Body& body) {
  const int epochs = options_.epochs;
  const int64_t steps = options_.steps;
  schema_.declare({"seconds", Every::epoch, options_.epoch_csv});  // the epoch's wall-clock time, last
  for (const auto& observer : observers_) observer->start(resumed());
  // [world, state bytes]: one row per rank.
  if (resumed_) restore_rng_states(*resumed_, comm_.rank(), torch::Device(options_.device));
  progress_.emplace(int64_t(epochs - start_epoch_) * steps - start_step_, folder_.root());
  const int log_every = options_.log_every > 0 ? options_.log_every : int(std::max<int64_t>(1, steps / 10));
  auto preempted = [](const std::string& where) {
    return Preempted("signal " + std::to_string(stop_signal()) + ": checkpoint written " + where);
  };
  for (int epoch = start_epoch_; epoch < epochs; ++epoch) {
    const double epoch_start = progress_->elapsed_seconds();
    const int64_t first_step = epoch == start_epoch_ ? start_step_ : 0;
    if (first_step == 0) means_.clear();
    body.begin_epoch(epoch, first_step);
    for (int64_t step = first_step; step < steps; ++step) {
      StepEvent event{epoch, step, 0, body.step(epoch, step)};
      event.global_step = body.steps_done();
      means_.add(event.scalars);
      for (const auto& observer : observers_) observer->on_step(event);
      schema_.check(Every::step, event.scalars, {}, "a step");
      if (progress_->tick(log_every)) body.print_step(event);
      maybe_stop_at_step(event.global_step);
      const bool last_step = step + 1 == steps;
      const bool stop = stop_agreed(comm_);
      const bool periodic = options_.checkpoint_every > 0 && body.steps_done() % options_.checkpoint_every == 0;
      if (!last_step && (stop || periodic)) save_checkpoint(body, epoch, step + 1);
      if (!last_step && stop)
        throw preempted("at epoch " + std::to_string(epoch + 1) + " step " + std::to_string(step + 1));
    }
    EpochEvent event;
    try {
      check_stop();  // a signal during the epoch's last step: checkpoint before the validation
      event = body.validate(epoch);
    } catch (const StopRequested&) {
      save_checkpoint(body, epoch, steps);
      throw preempted("after the steps of epoch " + std::to_string(epoch + 1) +
                      ", before its validation (which runs on resume)");
    }
    event.epoch = epoch;
    event.scalars.emplace_back("seconds", progress_->elapsed_seconds() - epoch_start);
    for (const auto& observer : observers_) observer->on_epoch(event);
    schema_.check(Every::epoch, event.scalars, event.texts, "an epoch");
    body.after_epoch(event);
    means_.clear();
    save_checkpoint(body, epoch + 1, 0);
    if (stop_agreed(comm_) && epoch + 1 < epochs) throw preempted("after epoch " + std::to_string(epoch + 1));
  }
}

}  // namespace ldarts
