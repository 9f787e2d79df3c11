// The metric schema (run/metrics.h) and an observer that registers itself from
// this test file (issue 25: an observer is one file; a typo in a metric name is
// an error at the first step, not an empty CSV column).
#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "ldarts/core/files.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/run/driver.h"
#include "ldarts/run/epoch_loop.h"
#include "ldarts/run/metrics.h"
#include "ldarts/search/search_run.h"
#include "support/test_support.h"

namespace ldarts {
namespace {

enum class Mode { off, count, typo };
Mode mode = Mode::off;  // the registered observer below acts only in the tests that ask for it
int steps_seen = 0, epochs_seen = 0;

// Counts the steps and epochs it sees and adds the count to metrics.csv; in typo mode it
// writes a step value nobody declared.
class CountingObserver final : public RunObserver {
 public:
  void declare(MetricSchema& schema) const override { schema.declare({"test_steps_seen", Every::epoch, "metrics.csv"}); }
  void on_step(StepEvent& e) override {
    ++steps_seen;
    if (mode == Mode::typo) e.scalars.emplace_back("trian_loss", 1.0);
  }
  void on_epoch(EpochEvent& e) override {
    ++epochs_seen;
    e.scalars.emplace_back("test_steps_seen", steps_seen);
  }
};

}  // namespace

LDARTS_REGISTER_OBSERVER({"test-counting", "search", [](const RunContext&) -> std::unique_ptr<RunObserver> {
                            if (mode == Mode::off) return nullptr;
                            return std::make_unique<CountingObserver>();
                          }})

namespace {

SearchOptions tiny(const std::string& data, const std::string& out) {
  SearchOptions o;
  o.dataset = "mnist", o.data_dir = data, o.out = out;
  o.channels = 4, o.cells_per_stage = 1, o.batch_size = 8, o.epochs = 2, o.max_steps = 3, o.eval_steps = 1;
  o.seed = 3, o.threads = 1, o.probe_every = 0;
  return o;
}

}  // namespace

TEST(Metrics, SchemaGivesColumnsFormatsMeansAndConsole) {
  MetricSchema schema;
  schema.declare({{"loss", Every::step, "steps.csv", "", "", "loss", "%.2f"},
                  {"hit", Every::step},
                  {"loss", Every::epoch, "metrics.csv", "%.3f", "mean", "loss"},
                  {"eps", Every::epoch, "metrics.csv", "", "mean_over:hit"},
                  {"alpha/", Every::epoch}});
  EXPECT_EQ(schema.columns("steps.csv"), (std::vector<std::string>{"epoch", "step", "loss"}));
  EXPECT_EQ(schema.columns("metrics.csv"), (std::vector<std::string>{"epoch", "loss", "eps"}));
  EXPECT_EQ(schema.formats("metrics.csv"), (std::vector<std::pair<std::string, std::string>>{{"loss", "%.3f"}}));
  EpochMeans means;
  means.add({{"loss", 1.0}, {"hit", 1.0}, {"eps", 4.0}});
  means.add({{"loss", 3.0}, {"hit", 0.0}, {"eps", 0.0}});  // ε is 0 where the step did not regularize
  EXPECT_EQ(schema.epoch_means(means), (Scalars{{"loss", 2.0}, {"eps", 4.0}}));
  EXPECT_EQ(schema.console(Every::step, means, {}), "loss 2.00");
  EXPECT_EQ(schema.console(Every::epoch, means, {{"loss", 0.5}}), "loss 0.5000");
  schema.check(Every::epoch, {{"loss", 1}, {"alpha/cell/1<-0/none", 0.2}}, {}, "x");  // a family member
  EXPECT_ERROR_WITH(schema.check(Every::step, {{"loss", 1}, {"los", 2}}, {}, "a step"), "a step", "'los'");
  EXPECT_ERROR_WITH(schema.check(Every::step, {{"eps", 1}}, {}, "a step"), "'eps'");  // declared for epochs only
  EXPECT_ERROR_WITH(schema.declare({"loss", Every::step}), "'loss'", "twice");
}

// A registered observer joins every search (after the task's own), declares its own
// metrics.csv column, and sees every step and epoch.
TEST(Metrics, ARegisteredObserverJoinsEverySearch) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 48, 10);
  LocalCommunicator comm;
  mode = Mode::count, steps_seen = epochs_seen = 0;
  run_search(tiny(dir.path(), dir.file("run")), "", comm);
  mode = Mode::off;
  EXPECT_EQ(steps_seen, 6);
  EXPECT_EQ(epochs_seen, 2);
  // Its column holds the count after each epoch: 3, then 6.
  std::istringstream csv(test::read_text(dir.file("run/metrics.csv")));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(csv, line);) {
    rows.emplace_back();
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) rows.back().push_back(field);
  }
  ASSERT_EQ(rows.size(), 3u);
  const auto column = std::find(rows[0].begin(), rows[0].end(), "test_steps_seen") - rows[0].begin();
  ASSERT_LT(size_t(column), rows[0].size());
  EXPECT_EQ(rows[1][column], "3");
  EXPECT_EQ(rows[2][column], "6");
}

// A value nobody declared stops the run at its first step, naming the value.
TEST(Metrics, AnUndeclaredValueIsAnErrorAtTheFirstStep) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 48, 10);
  LocalCommunicator comm;
  mode = Mode::typo, steps_seen = epochs_seen = 0;
  EXPECT_ERROR_WITH(run_search(tiny(dir.path(), dir.file("run")), "", comm), "'trian_loss'", "declare");
  mode = Mode::off;
  EXPECT_EQ(steps_seen, 1);
  EXPECT_EQ(epochs_seen, 0);
}

}  // namespace ldarts
