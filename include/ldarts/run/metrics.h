// The metric schema of a run: every scalar and text a run produces is declared
// once, by its producer (the task, an observer), with when it is produced, how an
// epoch value comes from the steps, the CSV file it is a column of and its
// format. The CSV columns, the epoch means, the console lines and the checks
// are derived from it; a step or epoch that carries an undeclared name is an
// error at once (a typo no longer gives an empty column).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ldarts/run/observer.h"

namespace ldarts {

class EpochMeans;

enum class Every { step, epoch };

struct Metric {
  Metric(std::string name, Every every, std::string csv = "", std::string format = "", std::string from_steps = "",
         std::string console = "", std::string console_format = "%.4f", bool text = false)
      : name(std::move(name)), every(every), csv(std::move(csv)), format(std::move(format)),
        from_steps(std::move(from_steps)), console(std::move(console)), console_format(std::move(console_format)),
        text(text) {}

  std::string name;  // a name ending in '/' declares a family ("alpha/": every "alpha/..." name; TensorBoard only)
  Every every = Every::step;
  std::string csv;            // the CSV file it is a column of ("steps.csv", "metrics.csv", ...; "" none)
  std::string format;         // printf format in that CSV ("": 8 significant digits)
  std::string from_steps;     // epoch metrics: "mean" of the step metric of this name, or "mean_over:<step
                              // metric>" (the mean over the steps where that one is nonzero); "" produced as is
  std::string console;        // label on the console (step line: the epoch's running mean; epoch line: the value)
  std::string console_format = "%.4f";
  bool text = false;          // a text (genotype), not a number
};

class MetricSchema {
 public:
  // Declares a metric; the same name twice for the same `every` is an error.
  void declare(Metric metric);
  void declare(const std::vector<Metric>& metrics);
  const std::vector<Metric>& metrics() const { return metrics_; }
  // The columns of `csv`, in declaration order, after epoch (and step, global_step for step files).
  std::vector<std::string> columns(const std::string& csv) const;
  // printf formats of the columns of `csv` that have one.
  std::vector<std::pair<std::string, std::string>> formats(const std::string& csv) const;
  // Throws a user error naming `who` and the first name that is not declared for `every`.
  void check(Every every, const Scalars& scalars, const Texts& texts, const std::string& who) const;
  // The epoch values the steps give (from_steps), in declaration order.
  Scalars epoch_means(const EpochMeans& means) const;
  // "loss 0.123 acc 45.6% ..." of the metrics with a console label: step metrics as the
  // epoch's running means, epoch metrics from `scalars`.
  std::string console(Every every, const EpochMeans& means, const Scalars& scalars) const;

 private:
  bool declared(Every every, const std::string& name) const;
  std::vector<Metric> metrics_;
};

}  // namespace ldarts
