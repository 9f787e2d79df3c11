// The epoch/step loop shared by search and train: the resume position, epoch
// means of the step scalars, progress and ETA, the agreed stop on a signal,
// periodic, end-of-epoch and preemption checkpoints, and the observers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ldarts/core/progress.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/run/metrics.h"
#include "ldarts/run/observer.h"
#include "ldarts/run/run_folder.h"

namespace ldarts {

// Sums of the step scalars over an epoch (checkpointed mid-epoch).
class EpochMeans {
 public:
  void add(const Scalars& step);
  // Sum over the epoch's steps / steps (0 before the first step).
  double mean(const std::string& name) const;
  // Sum of `name` / sum of `count` (0 when that is 0): e.g. ε over the steps that regularized.
  double mean_over(const std::string& name, const std::string& count) const;
  void clear();
  void save(Checkpoint& checkpoint) const;
  void load(const Checkpoint& checkpoint);

 private:
  double sum(const std::string& name) const;
  Scalars sums_;
  int64_t steps_ = 0;
};

struct LoopOptions {
  int epochs = 1;
  int64_t steps = 1;  // per epoch
  int64_t checkpoint_every = 0;
  int keep_checkpoints = 2;
  int log_every = 0;  // progress line every N steps (0: ten per epoch)
  std::string device = "cpu";  // where the RNG states live
  std::string resume;          // "", "auto" or a checkpoint file
  std::string epoch_csv = "metrics.csv";  // the CSV of the epoch values ("seconds", added by the loop, is its last column)
};

// Thrown by EpochLoop::check_stop() inside the end of an epoch (validation):
// the loop then checkpoints the epoch's steps and exits; a resume runs the end
// of the epoch again.
struct StopRequested {};

class EpochLoop {
 public:
  // What a driver does; every function runs on every rank unless said otherwise.
  struct Body {
    std::function<void(int epoch, int64_t first_step)> begin_epoch;
    std::function<Scalars(int epoch, int64_t step)> step;
    std::function<void(const StepEvent&)> print_step;  // rank 0, when a progress line is due
    std::function<EpochEvent(int epoch)> validate;       // the epoch's values after its steps (reads means())
    std::function<void(const EpochEvent&)> after_epoch;  // after the observers ("seconds" added)
    std::function<void(Checkpoint&)> save_state;         // rank 0
    std::function<int64_t()> steps_done;                 // global steps so far
  };

  // Reads the checkpoint to resume from, if any, and checks its header; the
  // driver then loads its own state from resumed() before run().
  EpochLoop(const RunFolder& folder, RunHeader header, LoopOptions options, Communicator& comm);
  const Checkpoint* resumed() const { return resumed_ ? &*resumed_ : nullptr; }
  int start_epoch() const { return start_epoch_; }
  int64_t start_step() const { return start_step_; }

  // Observers, in the order they see each event; each declares its metrics here when added.
  RunObserver& add(std::unique_ptr<RunObserver> observer);
  // Every step and epoch value must be declared in it (checked after the observers saw it).
  MetricSchema& schema() { return schema_; }
  const EpochMeans& means() const { return means_; }
  const Progress& progress() const { return *progress_; }

  // Runs the remaining epochs. Throws Preempted after a stop signal, once the checkpoint is written:
  // within one step in the step loop, and within one batch of the end-of-epoch
  // validation where the body calls check_stop() between its batches.
  void run(const Body& body);
  // Collective: throws StopRequested when the ranks agree that a stop signal arrived.
  void check_stop();

 private:
  // Collective: every rank returns once rank 0 has the checkpoint on disk.
  void save_checkpoint(const Body& body, int epoch, int64_t step);
  void write_checkpoint_now(const Body& body, int epoch, int64_t step,
                            const std::map<std::string, at::Tensor>& rng_states);  // rank 0

  const RunFolder& folder_;
  RunHeader header_;
  LoopOptions options_;
  Communicator& comm_;
  std::optional<Checkpoint> resumed_;
  int start_epoch_ = 0;
  int64_t start_step_ = 0;
  EpochMeans means_;
  MetricSchema schema_;
  std::vector<std::unique_ptr<RunObserver>> observers_;
  std::optional<Progress> progress_;
};

}  // namespace ldarts
