// A search method that exists only in the tests, to show that a new method is one
// file (issue 25): its class, its settings with an option of its own, state that a
// resume restores, a per-epoch hook, and one registration line. Nothing else in the
// code base names it, yet `run_search` runs it, checkpoints it and resumes it
// (Resume.EveryMethodResumesExactly takes every registered method, this one too).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/search/method.h"
#include "ldarts/search/search_run.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"
#include "support/search_support.h"
#include "support/test_support.h"

namespace ldarts {
namespace {

struct ScaledSettings {
  double scale = 0.5;  // --test-alpha-scale
};

// First-order DARTS whose α gradient is scaled by --test-alpha-scale; it counts its
// α gradients and the epochs begun (state a resume must bring back).
class ScaledDarts final : public SearchMethod {
 public:
  explicit ScaledDarts(double scale) : scale_(scale) {}
  CellGradients alpha_gradient(Passes& passes, const Batch& valid, const Batch& train, const StepSchedule& schedule,
                          at::Tensor& cell_grads_valid) override {
    CellGradients grads = SearchMethod::alpha_gradient(passes, valid, train, schedule, cell_grads_valid);
    grads.cells = grads.cells * scale_;
    for (auto& beta : grads.betas) beta = beta * scale_;
    ++alpha_steps_;
    return grads;
  }
  void begin_epoch(SearchNetworkImpl&, int epoch, int) override { last_epoch_begun_ = epoch; }
  void save(Checkpoint& c) const override {
    c.integers["search/test-scaled/alpha_steps"] = alpha_steps_;
    c.integers["search/test-scaled/last_epoch_begun"] = last_epoch_begun_;
  }
  void load(const Checkpoint& c) override {
    alpha_steps_ = c.integer("search/test-scaled/alpha_steps");
    last_epoch_begun_ = c.integer("search/test-scaled/last_epoch_begun");
  }

 private:
  double scale_;
  int64_t alpha_steps_ = 0, last_epoch_begun_ = -1;
};

std::unique_ptr<SearchMethod> make_scaled(const SearchOptions& o, const SearchSpace&) {
  return std::make_unique<ScaledDarts>(method_settings<ScaledSettings>(o, "test-scaled-darts").scale);
}

void scaled_options(OptionSink& sink, std::any& settings) {
  sink.add("test-alpha-scale", std::any_cast<ScaledSettings&>(settings).scale, "test-scaled-darts: α gradient factor");
}

}  // namespace

LDARTS_REGISTER_METHOD({"test-scaled-darts", "DARTS with a scaled α gradient (tests only)", make_scaled,
                        ScaledSettings{}, scaled_options, {}, {}, 1000})

namespace {

// Collects the option names a method declares.
class NameSink final : public OptionSink {
 public:
  std::vector<std::string> names;
  void add(const std::string& n, double&, const std::string&) override { names.push_back(n); }
  void add(const std::string& n, int&, const std::string&) override { names.push_back(n); }
  void add(const std::string& n, bool&, const std::string&) override { names.push_back(n); }
  void add(const std::string& n, std::vector<int64_t>&, const std::string&) override { names.push_back(n); }
  void add(const std::string& n, std::vector<double>&, const std::string&) override { names.push_back(n); }
};

SearchOptions tiny(const std::string& data, const std::string& out) {
  SearchOptions o = test::tiny_search_options(data, out);
  o.epochs = 2, o.max_steps = 3, o.eval_steps = 1;
  o.arch_lr = 1e-2, o.seed = 3, o.threads = 1, o.probe_every = 0;
  return o;
}

}  // namespace

TEST(MethodPlugin, ATestFileRegistersAMethodWithItsOwnOption) {
  const MethodInfo& info = find_method("test-scaled-darts");
  SearchOptions o;
  NameSink sink;
  info.options(sink, o.method_settings.at(info.name));
  EXPECT_EQ(sink.names, std::vector<std::string>{"test-alpha-scale"});
  EXPECT_EQ(method_names().back(), "test-scaled-darts");  // order 1000: after the built-in ones
  set_method_option(o, "test-alpha-scale", "0.25");
  EXPECT_EQ(method_settings<ScaledSettings>(o, "test-scaled-darts").scale, 0.25);
  EXPECT_ERROR_WITH(register_method(info), "two search methods", "test-scaled-darts");
}

// It runs and checkpoints like any method; its option acts (scale 1 is plain DARTS, bit
// for bit); its state and its epoch hook reach the checkpoints.
TEST(MethodPlugin, RunsAndCheckpointsThroughTheGenericDriver) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 48, 10);
  LocalCommunicator comm;
  auto run = [&](const std::string& method, double scale, const std::string& out) {
    SearchOptions o = tiny(dir.path(), dir.file(out));
    o.method = method;
    set_method_option(o, "test-alpha-scale", scale);
    return run_search(o, "", comm);
  };
  const SearchResult darts = run("darts", 0.5, "darts");
  const SearchResult one = run("test-scaled-darts", 1.0, "one");
  const SearchResult half = run("test-scaled-darts", 0.5, "half");
  EXPECT_EQ(darts.probabilities, one.probabilities);
  EXPECT_NE(darts.probabilities, half.probabilities);
  const Checkpoint c = read_checkpoint(dir.file("half/latest.h5"));
  EXPECT_EQ(c.string("search/method"), "test-scaled-darts");
  EXPECT_EQ(c.integer("search/test-scaled/alpha_steps"), 6);  // 2 epochs x 3 steps
  EXPECT_EQ(c.integer("search/test-scaled/last_epoch_begun"), 1);
  SearchOptions other = tiny(dir.path(), dir.file("half"));
  other.method = "darts", other.resume = "auto";  // another method's checkpoint is refused by name
  EXPECT_ERROR_WITH(run_search(other, "", comm), "test-scaled-darts");
}

}  // namespace ldarts
