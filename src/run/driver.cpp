#include "ldarts/run/driver.h"

#include <algorithm>
#include <cstdio>

#include <torch/torch.h>

#include "ldarts/core/cpu_budget.h"
#include "ldarts/core/error.h"
#include "ldarts/core/progress.h"
#include "ldarts/core/rng.h"
#include "ldarts/core/signals.h"
#include "ldarts/data/loader.h"
#include "ldarts/data/sampler.h"
#include "ldarts/dist/runtime.h"
#include "ldarts/run/device.h"
#include "ldarts/run/observers.h"
#include "ldarts/run/schedule.h"

namespace ldarts {

LoopOptions loop_options(const RunOptions& o, int64_t steps_per_epoch, const std::string& device) {
  LoopOptions l;
  l.epochs = o.epochs, l.steps = steps_per_epoch, l.checkpoint_every = o.checkpoint_every;
  l.keep_checkpoints = o.keep_checkpoints, l.log_every = o.log_every, l.device = device, l.resume = o.resume;
  return l;
}

namespace {

std::vector<ObserverInfo>& observer_registry() {  // function-local: filled during static initialization
  static std::vector<ObserverInfo> observers;
  return observers;
}

}  // namespace

bool register_observer(ObserverInfo info) {
  for (const ObserverInfo& o : observer_registry())
    if (o.name == info.name) fail("two observers are registered as '", info.name, "'");
  observer_registry().push_back(std::move(info));
  return true;
}

std::vector<const ObserverInfo*> registered_observers(const std::string& command) {
  return registered_in_order(observer_registry(),
                             [&](const ObserverInfo& o) { return o.command.empty() || o.command == command; });
}

namespace {

// The streams' samplers and, per epoch, the batches they build ahead of the step.
class Batches {
 public:
  Batches(std::vector<Stream> streams, const RunOptions& o, const ImageData& data, const Communicator& comm,
          int loader_threads)
      : streams_(std::move(streams)), o_(o), data_(data), threads_(loader_threads) {
    LDARTS_CHECK(!streams_.empty(), "a task without a data stream");
    for (const Stream& s : streams_)
      samplers_.emplace_back(int64_t(s.part.size()), o.batch_size, s.sampler_seed, comm.rank(), comm.world_size(),
                             s.pad_tail);
    const int64_t per_epoch = samplers_[0].batches_per_epoch();
    LDARTS_CHECK(per_epoch > 0, o.dataset, ": ", streams_[0].part.size(),
                 " training images do not fill one batch of --batch-size ", o.batch_size);
    steps_ = o.max_steps > 0 ? std::min(o.max_steps, per_epoch) : per_epoch;
  }
  int64_t steps() const { return steps_; }

  // The loaders of the epoch's remaining steps, from `first_step`.
  void begin_epoch(int epoch, int64_t first_step, double cutout_prob) {
    loaders_.clear();
    for (size_t k = 0; k < streams_.size(); ++k) {
      std::vector<std::vector<int64_t>> indices;
      for (int64_t step = first_step; step < steps_; ++step) {
        const int64_t b = streams_[k].cycle ? step % samplers_[k].batches_per_epoch() : step;
        indices.push_back(gather(streams_[k].part, samplers_[k].batch(epoch, b)));
      }
      const int64_t count = int64_t(indices.size());
      const uint64_t stream = streams_[k].batch_seed;
      loaders_.push_back(std::make_unique<Prefetcher>(
          [this, stream, epoch, first_step, cutout_prob, indices = std::move(indices)](int64_t i) {
            const uint64_t seed = derive_seed(o_.seed, {stream, uint64_t(epoch), uint64_t(first_step + i)});
            return data_.batch(indices[i], true, seed, cutout_prob);
          },
          count, threads_, 2 * std::max(1, threads_)));
    }
  }
  std::vector<Batch> next() {
    std::vector<Batch> out;
    for (auto& loader : loaders_) out.push_back(loader->next());
    return out;
  }

 private:
  std::vector<Stream> streams_;
  const RunOptions& o_;
  const ImageData& data_;
  int threads_;
  std::vector<ShardedSampler> samplers_;
  int64_t steps_ = 0;
  std::vector<std::unique_ptr<Prefetcher>> loaders_;
};

// The rate of step `step` of `epoch` (the epoch's last rate when it has none left).
double rate_at(const RunOptions& o, int epoch, int64_t step, int64_t steps) {
  return learning_rate(o.lr_schedule, o.lr, o.lr_min, lr_progress(o.lr_update, epoch, step, steps), o.epochs,
                       o.warmup_epochs);
}

void print_banner_tail(const EpochLoop& loop) {
  if (loop.resumed())
    std::printf("  resumed from %s at epoch %d step %ld\n", loop.resumed()->source.c_str(), loop.start_epoch() + 1,
                long(loop.start_step()));
  if (!openmp_wait_note().empty()) std::printf("  %s\n", openmp_wait_note().c_str());
  std::fflush(stdout);
}

// The loop's body: the task's step between the driver's lr, batches, progress line and epoch values.
EpochLoop::Body loop_body(Task& task, RunContext& run, Batches& batches, double& lr) {
  const RunOptions& o = run.options;
  Communicator& comm = run.comm;
  EpochLoop& loop = run.loop;
  const MetricSchema& schema = loop.schema();
  EpochLoop::Body body;
  body.begin_epoch = [&task, &o, &batches, &lr](int epoch, int64_t first_step) {
    lr = first_step == 0 ? o.lr : rate_at(o, epoch, first_step - 1, batches.steps());
    task.begin_epoch(epoch);
    batches.begin_epoch(epoch, first_step, task.cutout_probability(epoch));
  };
  body.step = [&task, &o, &batches, &lr, &comm](int epoch, int64_t step) {
    lr = rate_at(o, epoch, step, batches.steps());
    const std::vector<Batch> batch = batches.next();
    maybe_inject_fault(comm, task.steps_done() + 1);
    Scalars scalars = task.step(batch, lr, epoch, step);
    scalars.insert(scalars.begin(), {"lr", lr});
    return scalars;
  };
  body.print_step = [&o, &batches, &lr, &loop, &schema](const StepEvent& e) {
    const Progress& progress = loop.progress();
    std::printf("epoch %d/%d step %ld/%ld | lr %.5f | %.2f step/s %.0f img/s | %s | elapsed %s ETA %s\n", e.epoch + 1,
                o.epochs, long(e.step + 1), long(batches.steps()), lr, progress.steps_per_second(),
                progress.steps_per_second() * o.batch_size, schema.console(Every::step, loop.means(), {}).c_str(),
                format_duration(progress.elapsed_seconds()).c_str(), format_duration(progress.eta_seconds()).c_str());
    std::fflush(stdout);
  };
  body.validate = [&task, &run, &lr, &loop, &schema](int epoch) {
    EpochEvent e = task.validate(epoch, run, [&loop] {
      maybe_inject_signal("validation");
      loop.check_stop();  // a preemption signal is honoured within one batch
    });
    Scalars scalars = schema.epoch_means(loop.means());
    scalars.insert(scalars.begin(), {"lr", lr});
    scalars.insert(scalars.end(), e.scalars.begin(), e.scalars.end());
    e.scalars = scalars;
    return e;
  };
  body.after_epoch = [&task, &run](const EpochEvent& e) { task.after_epoch(e, run); };
  body.save_state = [&task](Checkpoint& c) { task.save(c); };
  body.steps_done = [&task] { return task.steps_done(); };
  return body;
}

}  // namespace

void run_task(Task& task, const RunOptions& o, const std::string& resolved_config, Communicator& comm) {
  const bool root = comm.is_root();
  LDARTS_CHECK(o.epochs > 0, "--epochs must be positive");
  LDARTS_CHECK(o.batch_size % comm.world_size() == 0, "--batch-size ", o.batch_size, " (the global batch) is not a ",
               "multiple of the ", comm.world_size(), " ranks; a run resumed on another number of ranks keeps its ",
               "global batch, so use a number of ranks that divides it");
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);

  // ---- data, run folder, resume ----
  const c10::Device device = resolve_device(o.device);
  DataOptions data_options = task.data_options();
  data_options.skip_bad_images = o.skip_bad_images;
  data_options.pin_memory = device.is_cuda();
  const ImageData data = ImageData::open(o.dataset, o.data_dir, Split::train, data_options);
  // The run folder is this run's before anything is written there.
  const RunFolder folder = RunFolder::claim(o.out, {task.command(), o.resume, o.force}, comm);
  if (root && !folder.moved_to().empty())
    std::printf("--force: moved the earlier contents of %s to %s (nothing deleted)\n", o.out.c_str(),
                folder.moved_to().c_str());
  const int loader_threads = data.loader_threads(o.loader_threads);
  Batches batches(task.streams(data, folder), o, data, comm, loader_threads);
  RunHeader header = task.header(resolved_config);
  header.world_size = comm.world_size(), header.run_id = folder.id();
  EpochLoop loop(folder, header, loop_options(o, batches.steps(), device.str()), comm);
  RunContext run{o, comm, data, data_options, folder, loop, batches.steps(), loader_threads};
  task.build(run, loop.resumed());

  // ---- metrics and observers: the task's, then metrics.csv and TensorBoard ----
  MetricSchema& schema = loop.schema();
  schema.declare({"lr", Every::step, task.step_log() ? "steps.csv" : ""});
  schema.declare({"lr", Every::epoch, "metrics.csv"});
  task.declare(schema);
  if (!schema.columns("steps.csv").empty()) loop.add(csv_observer(folder, "steps.csv", schema));
  task.add_observers(run);
  for (const ObserverInfo* info : registered_observers(task.command()))
    if (std::unique_ptr<RunObserver> observer = info->make(run)) loop.add(std::move(observer));
  loop.add(csv_observer(folder, "metrics.csv", schema));
  loop.add(tensorboard_observer(folder));

  folder.write("config.toml", resolved_config);
  folder.write("run.json", header.json());
  task.write_files(folder);
  if (root) {
    task.describe(run);
    print_banner_tail(loop);
  }

  // ---- the loop ----
  double lr = o.lr;
  loop.run(loop_body(task, run, batches, lr));
  task.finish(run);
}

}  // namespace ldarts
