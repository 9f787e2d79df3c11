// Named scalars of a step or an epoch, and the observers that see them. A run
// driver (search, train) produces the scalars; the CSV files, TensorBoard,
// α history, cell pictures and diagnostics are each one observer, registered
// in order: an observer may add scalars that later ones see.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ldarts {

struct Checkpoint;

using Scalars = std::vector<std::pair<std::string, double>>;
using Texts = std::vector<std::pair<std::string, std::string>>;

// The value named `name`; NaN when there is none.
double find_scalar(const Scalars& scalars, const std::string& name);
// The text named `name`; nullptr when there is none.
const std::string* find_text(const Texts& texts, const std::string& name);

struct StepEvent {
  int epoch = 0;
  int64_t step = 0;         // inside the epoch, from 0
  int64_t global_step = 0;  // steps done in the run, this one included
  Scalars scalars;
};

struct EpochEvent {
  int epoch = 0;  // from 0
  Scalars scalars;
  Texts texts;  // the genotype; "picture/<cell>" Graphviz DOT
};

// Every rank calls every hook (an observer may run collectives); rank 0 writes.
class MetricSchema;

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // The values it adds to steps and epochs (run/metrics.h), when the loop takes it.
  virtual void declare(MetricSchema& schema) const {}
  // Once, before the first step; `resumed` is the checkpoint the run continues
  // from (nullptr for a new run), so that every series continues exactly.
  virtual void start(const Checkpoint* resumed) {}
  virtual void on_step(StepEvent& event) {}
  virtual void on_epoch(EpochEvent& event) {}
  virtual void save(Checkpoint& checkpoint) const {}
};

}  // namespace ldarts
