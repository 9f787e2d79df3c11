// One run driver for search and train. It owns what every run does: the data
// set, the samplers and the batches built ahead, the run folder and its header,
// resume, the learning rate, progress and ETA, the agreed stop, checkpoints and
// the observers' order. A Task (search/search_task.cpp, train/train_task.cpp)
// says what is particular: its model and step, its validation, its files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ldarts/core/registry.h"
#include "ldarts/data/image_data.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/run/epoch_loop.h"
#include "ldarts/run/metrics.h"

namespace ldarts {

// The options every run has (SearchOptions and TrainOptions derive from it; the
// defaults that differ are set by their constructors).
struct RunOptions {
  // data
  std::string dataset = "cifar10";
  std::string data_dir;         // "" = the data set's standard folder
  int64_t batch_size = 64;      // global batch (all ranks together)
  int loader_threads = -1;      // threads building batches ahead (0: main thread; -1: 0 in memory, 4 for JPEG trees)
  bool skip_bad_images = false; // JPEG trees: log and leave out unreadable images
  // schedule: SGD's learning rate, cosine or linear from lr to lr_min over the epochs
  int epochs = 100;
  int64_t max_steps = 0;   // cap on steps per epoch (0 = the whole part)
  int64_t eval_steps = 0;  // cap on validation batches per epoch (0 = all)
  double lr = 0.025, lr_min = 0.001;
  std::string lr_schedule = "cosine";  // cosine | linear
  int warmup_epochs = 0;               // lr warm-up: base·(e+1)/warmup in epoch e
  std::string lr_update = "step";      // per step, or held at each epoch's start value ("epoch")
  // device, ranks, threads
  std::string device = "cpu";    // cpu | cuda | auto
  std::string backend = "auto";  // communicator: auto | local | mpi | nccl
  uint64_t seed = 0;
  int threads = 0;  // intra-op threads (0 = LibTorch's default)
  // run folder and checkpoints
  std::string out = "runs/run";
  int log_every = 0;             // steps between progress lines (0 = about 10 per epoch)
  std::string resume;            // checkpoint file, "auto" (newest in `out`, if any) or "" (fresh run)
  bool force = false;            // a fresh run moves another run's `out` aside (RunFolder::claim)
  int64_t checkpoint_every = 0;  // also checkpoint every N steps (0 = only at epoch ends)
  int keep_checkpoints = 3;      // newest K checkpoints kept in `out`
};

// The loop options of a run.
LoopOptions loop_options(const RunOptions& o, int64_t steps_per_epoch, const std::string& device);

// The images the steps draw from: each step takes one batch of every stream.
struct Stream {
  std::vector<int64_t> part;  // indices into the data set
  uint64_t sampler_seed = 0;  // the epoch order (ShardedSampler)
  uint64_t batch_seed = 0;    // augmentation: derive_seed(seed, {batch_seed, epoch, step})
  bool pad_tail = false;      // the last incomplete global batch: padded with the epoch's first images (else dropped)
  bool cycle = false;         // fewer batches than steps: start again (search's α part); the first stream never cycles
};

// What the driver hands a task.
struct RunContext {
  const RunOptions& options;
  Communicator& comm;
  const ImageData& data;
  const DataOptions& data_options;  // as the data set was opened (a test set opens the same way)
  const RunFolder& folder;
  EpochLoop& loop;       // means(), progress(), check_stop()
  int64_t steps = 0;     // per epoch
  int loader_threads = 0;
};

class Task {
 public:
  virtual ~Task() = default;
  // Names, header and data. command(): "search" | "train".
  virtual std::string command() const = 0;
  virtual bool step_log() const { return false; }  // steps.csv: lr and the step metrics declared for it
  virtual DataOptions data_options() const = 0;
  // The streams of a step; `folder` holds what the split may keep (search's subset manifest).
  virtual std::vector<Stream> streams(const ImageData& data, const RunFolder& folder) = 0;
  // The run's identity in run.json and checkpoints (RunHeader without world size and id).
  virtual RunHeader header(const std::string& resolved_config) const = 0;
  // The model and optimizers, restored from `resumed` when there is one; the
  // metrics the task produces (`schema`) and its observers (in order, before
  // the driver's metrics.csv and TensorBoard).
  virtual void build(RunContext& run, const Checkpoint* resumed) = 0;
  virtual void declare(MetricSchema& schema) const = 0;
  virtual void add_observers(RunContext& run) {}
  virtual void write_files(const RunFolder& folder) const {}  // beside config.toml and run.json
  virtual void describe(const RunContext& run) const = 0;     // the banner's lines (rank 0)
  // The loop. lr: this step's ω learning rate.
  virtual void begin_epoch(int epoch) {}
  virtual double cutout_probability(int epoch) const { return -1; }  // < 0: the data options'
  virtual Scalars step(const std::vector<Batch>& batches, double lr, int epoch, int64_t step) = 0;
  // The epoch's own values (validation, genotype, ...); between_batches() honours a stop signal.
  virtual EpochEvent validate(int epoch, const RunContext& run, const std::function<void()>& between_batches) = 0;
  virtual void after_epoch(const EpochEvent& event, const RunContext& run) {}  // after the observers (rank 0 prints)
  virtual void save(Checkpoint& checkpoint) const = 0;
  virtual int64_t steps_done() const = 0;
  // After the last epoch: the final files and lines.
  virtual void finish(const RunContext& run) = 0;
};

// An observer that adds itself to every run of a command: one LDARTS_REGISTER_OBSERVER
// line in its file. The driver adds the registered ones after the task's own, in
// `order` (then by name), before metrics.csv and TensorBoard; `make` may return
// nullptr for a run it has nothing to do in.
struct ObserverInfo {
  std::string name;
  std::string command;  // "search", "train" or "" (every run)
  std::function<std::unique_ptr<RunObserver>(const RunContext&)> make;
  int order = 100;
};
bool register_observer(ObserverInfo info);
std::vector<const ObserverInfo*> registered_observers(const std::string& command);
#define LDARTS_REGISTER_OBSERVER(...) LDARTS_REGISTER(::ldarts::register_observer(__VA_ARGS__))

// Runs `task` to its end (or throws Preempted after a stop signal, checkpoint written).
void run_task(Task& task, const RunOptions& options, const std::string& resolved_config, Communicator& comm);

}  // namespace ldarts
