// The search step and a whole small run.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/run/schedule.h"
#include "ldarts/search/search_run.h"
#include "ldarts/search/searcher.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {
using test::random_batch;
using test::tiny_search_options;
// A 2-epoch run of 2 steps on synthetic MNIST-format data in `dir`.
SearchOptions small_run(const test::TempDir& dir, int images) {
  test::write_tiny_mnist(dir.path(), images, 12);
  SearchOptions o = tiny_search_options(dir.path(), dir.file("run"));
  o.epochs = 2;
  o.max_steps = 2;
  o.eval_steps = 1;
  return o;
}
}  // namespace

TEST(Searcher, TwoStepsChangeAlphaAndWeights) {
  torch::manual_seed(0);
  LocalCommunicator comm;
  Searcher searcher(tiny_search_options(), find_space("nb201"), 1, 10, comm);
  const auto alpha0 = searcher.architecture().alpha().detach().clone();
  std::vector<torch::Tensor> weights0;
  for (const auto& p : searcher.network()->weights()) weights0.push_back(p.detach().clone());

  StepStats s;
  for (int i = 0; i < 2; ++i) s = searcher.step(random_batch(8), random_batch(8), StepSchedule{0.025, 0.0});

  EXPECT_FALSE(torch::equal(alpha0, searcher.architecture().alpha().detach()));
  int changed = 0;
  const auto weights = searcher.network()->weights();
  for (size_t i = 0; i < weights.size(); ++i) changed += !torch::equal(weights0[i], weights[i].detach());
  EXPECT_EQ(changed, static_cast<int>(weights.size()));  // every ω tensor got an update
  EXPECT_TRUE(std::isfinite(s.train_loss) && std::isfinite(s.alignment_train) && std::isfinite(s.alignment_valid));
  EXPECT_GE(s.alignment_train, -1.0);
  EXPECT_LE(s.alignment_train, 1.0);
}

TEST(Searcher, SameSeedSameTrajectory) {
  auto run = [] {
    torch::manual_seed(1);
    LocalCommunicator comm;
    Searcher searcher(tiny_search_options(), find_space("nb201"), 1, 10, comm);
    torch::manual_seed(2);
    for (int i = 0; i < 2; ++i) searcher.step(random_batch(8), random_batch(8), StepSchedule{0.025, 0.0});
    return searcher.architecture().alpha().detach().clone();
  };
  EXPECT_TRUE(torch::equal(run(), run()));
}

TEST(Searcher, StepOrderSetting) {
  LocalCommunicator comm;
  SearchOptions o = tiny_search_options();
  EXPECT_FALSE(Searcher(o, find_space("nb201"), 1, 10, comm).alpha_step_first());  // NB201 default
  o.step_order = StepOrder::arch_first;
  EXPECT_TRUE(Searcher(o, find_space("nb201"), 1, 10, comm).alpha_step_first());
  // The words are parsed once (cli/search.cpp); an unknown one names the option and the known words.
  EXPECT_ERROR_WITH(parse_step_order("sideways"), "--step-order", "sideways", "weights-first");
  EXPECT_ERROR_WITH(parse_regularizer("cor"), "--regularizer", "signcorr");
  EXPECT_ERROR_WITH(parse_lambda_target("middle"), "--lambda-target", "outer");
  for (const char* w : {"auto", "weights-first", "arch-first"}) EXPECT_STREQ(step_order_name(parse_step_order(w)), w);
  std::string out;
  EXPECT_NE(test::run_ldarts("search --step-order sideways --print-config", out), 0);
  EXPECT_NE(out.find("--step-order"), std::string::npos) << out;
  ASSERT_EQ(test::run_ldarts("search --fd-mode forward --lambda-target outer --print-config", out), 0) << out;
  EXPECT_NE(out.find("fd-mode=\"forward\""), std::string::npos) << out;
  EXPECT_NE(out.find("lambda-target=\"outer\""), std::string::npos) << out;
  EXPECT_NE(out.find("regularizer=\"corr\""), std::string::npos) << out;
}

TEST(Schedule, CosineEndpoints) {
  EXPECT_DOUBLE_EQ(cosine_lr(0.025, 0.001, 0, 10), 0.025);
  EXPECT_NEAR(cosine_lr(0.025, 0.001, 5, 10), 0.013, 1e-12);
  EXPECT_NEAR(cosine_lr(0.025, 0.001, 10, 10), 0.001, 1e-12);
}

TEST(Schedule, LinearWithWarmupAsPcDarts) {
  EXPECT_DOUBLE_EQ(linear_lr(0.5, 0.0, 0.0, 50, 5), 0.1);  // epoch 0 of 5 warm-up epochs: 1/5
  EXPECT_DOUBLE_EQ(linear_lr(0.5, 0.0, 4.9, 50, 5), 0.5);
  EXPECT_DOUBLE_EQ(linear_lr(0.5, 0.0, 5.0, 50, 5), 0.5);
  EXPECT_DOUBLE_EQ(linear_lr(0.5, 0.0, 27.5, 50, 5), 0.25);
  EXPECT_DOUBLE_EQ(linear_lr(0.5, 0.0, 50.0, 50, 5), 0.0);
  EXPECT_DOUBLE_EQ(learning_rate("cosine", 0.025, 0.001, 3.0, 10, 0), cosine_lr(0.025, 0.001, 3.0, 10));
  EXPECT_DOUBLE_EQ(learning_rate("cosine", 0.1, 0.0, 1.5, 12, 2), 0.1);  // warm-up epoch 1 of 2
  EXPECT_NEAR(learning_rate("cosine", 0.1, 0.0, 7.0, 12, 2), 0.05, 1e-12);  // half-way through the cosine
  EXPECT_ERROR_WITH(learning_rate("step", 0.1, 0.0, 1, 10, 0), "--lr-schedule");
  EXPECT_ERROR_WITH(learning_rate("linear", 0.1, 0.0, 1, 10, 10), "--warmup-epochs");
}

TEST(Searcher, FrozenArchitectureKeepsAlphaAndBeta) {
  torch::manual_seed(0);
  LocalCommunicator comm;
  SearchOptions o = tiny_search_options();
  o.space = "darts", o.layers = 4, o.partial_channels = 2, o.edge_normalization = true;
  Searcher searcher(o, find_space("darts"), 1, 10, comm);
  const auto alpha0 = searcher.architecture().alpha(0).detach().clone();
  const auto beta0 = searcher.network()->edge_parameters()[0].detach().clone();
  searcher.step(random_batch(8), random_batch(8), StepSchedule{0.025, 0.5, /*update_alpha=*/false});
  EXPECT_TRUE(torch::equal(alpha0, searcher.architecture().alpha(0).detach()));
  EXPECT_TRUE(torch::equal(beta0, searcher.network()->edge_parameters()[0].detach()));
  searcher.step(random_batch(8), random_batch(8), StepSchedule{0.025, 0.5, true});
  EXPECT_FALSE(torch::equal(alpha0, searcher.architecture().alpha(0).detach()));
  EXPECT_FALSE(torch::equal(beta0, searcher.network()->edge_parameters()[0].detach()));
}

TEST(SearchRun, SmallRunWritesTheRunFolder) {
  test::TempDir dir;
  SearchOptions o = small_run(dir, 64);
  o.nb201_table = test::source_path("data/nb201/nb201_test_acc_200ep.csv");
  LocalCommunicator comm;
  const SearchResult r = run_search(o, "epochs=2\n", comm);
  ASSERT_EQ(r.epochs.size(), 2u);
  EXPECT_EQ(test::read_text(o.out + "/config.toml"), "epochs=2\n");
  const std::string metrics = test::read_text(o.out + "/metrics.csv");
  EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 3);  // header + 2 epochs
  EXPECT_NE(metrics.find(r.genotype), std::string::npos);
  EXPECT_NE(test::read_text(o.out + "/genotype.json").find(r.genotype), std::string::npos);
  const std::string steps = test::read_text(o.out + "/steps.csv");
  EXPECT_EQ(std::count(steps.begin(), steps.end(), '\n'), 5);  // header + 2x2 steps
}

TEST(Searcher, DartsSpaceStepsChangeBothAlphasAndAlignNormalCells) {
  torch::manual_seed(0);
  LocalCommunicator comm;
  SearchOptions o = tiny_search_options();
  o.space = "darts";
  o.layers = 5;  // normal, reduce, normal, reduce, normal
  const SearchSpace& space = find_space("darts");
  Searcher searcher(o, space, 1, 10, comm);
  EXPECT_TRUE(searcher.alpha_step_first());  // the DARTS codebases' order
  ASSERT_EQ(searcher.architecture().num_types(), 2);
  const auto normal0 = searcher.architecture().alpha(0).detach().clone();
  const auto reduce0 = searcher.architecture().alpha(1).detach().clone();
  StepStats s;
  for (int i = 0; i < 2; ++i) s = searcher.step(random_batch(8), random_batch(8), StepSchedule{0.025, 0.5});
  EXPECT_TRUE(s.regularized);
  EXPECT_FALSE(torch::equal(normal0, searcher.architecture().alpha(0).detach()));
  EXPECT_FALSE(torch::equal(reduce0, searcher.architecture().alpha(1).detach()));
  EXPECT_EQ(regularized_cells(space, searcher.network()->cell_types()),
            (std::vector<bool>{true, false, true, false, true}));
  EXPECT_TRUE(std::isfinite(s.alignment_train));
}

TEST(SearchRun, DartsSpaceRunWritesGenotypesAndPictures) {
  test::TempDir dir;
  SearchOptions o = small_run(dir, 48);
  o.space = "s3";
  o.layers = 4;
  LocalCommunicator comm;
  const SearchResult r = run_search(o, "", comm);
  EXPECT_EQ(r.genotype.rfind("Genotype(normal=[('", 0), 0u) << r.genotype;
  EXPECT_NE(test::read_text(o.out + "/genotype.json").find("\"reduce_concat\": [2, 3, 4, 5]"), std::string::npos);
  EXPECT_NE(test::read_text(o.out + "/normal.dot").find("digraph"), std::string::npos);
  EXPECT_NE(test::read_text(o.out + "/metrics.csv").find("\"Genotype(normal="), std::string::npos);  // quoted field
}
