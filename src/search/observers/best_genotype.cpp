#include "ldarts/io/checkpoint.h"
#include "ldarts/run/metrics.h"
#include "ldarts/search/observers.h"

#include <cmath>

namespace ldarts {
namespace {

// The epoch scalars kept with the best genotype (best_<name> in metrics.csv, best/<name> in checkpoints).
const char* const kTests[] = {"cifar10_test",  "cifar100_test", "imagenet16_test",
                              "cifar10_valid", "connected",     "parameter_free_ops"};

class BestGenotypeObserver : public RunObserver {
 public:
  BestGenotypeObserver(const RunFolder& folder, BestGenotype& best) : folder_(folder), best_(best) {}

  void declare(MetricSchema& schema) const override {
    schema.declare({"best_epoch", Every::epoch, "metrics.csv"});
    schema.declare({"best_valid_acc", Every::epoch, "metrics.csv"});
    Metric text{"best_genotype", Every::epoch, "metrics.csv"};
    text.text = true;
    schema.declare(text);
    for (const char* name : kTests) {  // the NB201 accuracies as "%f", as the epoch's own
      const std::string n = name;
      const bool accuracy = n.find("_test") != std::string::npos || n == "cifar10_valid";
      schema.declare({"best_" + n, Every::epoch, "metrics.csv", accuracy ? "%f" : ""});
    }
  }

  void start(const Checkpoint* resumed) override {
    if (!resumed || !resumed->integers.count("best/epoch")) return;
    best_.epoch = int(resumed->integer("best/epoch"));
    best_.valid_acc = resumed->number("best/valid_acc");
    best_.text = resumed->string("best/genotype");
    best_.json = resumed->string("best/genotype_json");
    for (const char* name : kTests)
      if (resumed->doubles.count(std::string("best/") + name)) tests_.emplace_back(name, resumed->number(std::string("best/") + name));
  }

  void on_epoch(EpochEvent& e) override {
    const double acc = find_scalar(e.scalars, "valid_acc");
    if (best_.epoch < 0 || acc > best_.valid_acc) {
      best_.epoch = e.epoch, best_.valid_acc = acc;
      best_.text = *find_text(e.texts, "genotype");
      best_.json = *find_text(e.texts, "genotype_json");
      tests_.clear();
      for (const char* name : kTests)
        if (!std::isnan(find_scalar(e.scalars, name))) tests_.emplace_back(name, find_scalar(e.scalars, name));
      folder_.write("genotype-best.json", best_.json);
    }
    e.scalars.emplace_back("best_epoch", best_.epoch);
    e.scalars.emplace_back("best_valid_acc", best_.valid_acc);
    for (const auto& [name, value] : tests_) e.scalars.emplace_back(std::string("best_") + name, value);
    e.texts.emplace_back("best_genotype", best_.text);
  }

  void save(Checkpoint& c) const override {
    if (best_.epoch < 0) return;
    c.integers["best/epoch"] = best_.epoch;
    c.doubles["best/valid_acc"] = best_.valid_acc;
    c.strings["best/genotype"] = best_.text;
    c.strings["best/genotype_json"] = best_.json;
    for (const auto& [name, value] : tests_) c.doubles["best/" + name] = value;
  }

 private:
  const RunFolder& folder_;
  BestGenotype& best_;
  Scalars tests_;  // the NB201 accuracies of the best genotype, where known
};

}  // namespace

std::unique_ptr<RunObserver> best_genotype(const RunFolder& folder, BestGenotype& best) {
  return std::make_unique<BestGenotypeObserver>(folder, best);
}

}  // namespace ldarts
