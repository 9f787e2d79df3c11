// Sweeps: grid files, their combinations and folder names, the arguments an
// array task resolves, and a local search→train pipeline.
#include <gtest/gtest.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/sweep/sweep.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {

const char* kGrid = R"(# a grid
base = "configs/tiny.toml"
seed = [0, 1]
lambda = [0.0625, 0.125, 0.25]   # λ
epsilon0 = [1e-4, 1e-3]
epochs = 5
train = "configs/train-tiny.toml"
train.network = "nb201"
)";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

}  // namespace

TEST(Sweep, GridExpandsInFileOrderWithStableNames) {
  TempDir dir;
  test::write_text(dir.file("grid.toml"), kGrid);
  const SweepGrid grid = read_grid(dir.file("grid.toml"));
  EXPECT_EQ(grid.base, "configs/tiny.toml");
  EXPECT_EQ(grid.fixed, (KeyValues{{"epochs", "5"}}));
  EXPECT_EQ(grid.train_fixed, (KeyValues{{"network", "nb201"}}));
  const std::vector<Combination> combos = expand(grid);
  ASSERT_EQ(combos.size(), 12u);
  // The first axis varies slowest: nested loops seed → lambda → epsilon0.
  EXPECT_EQ(combos[0].values, (KeyValues{{"seed", "0"}, {"lambda", "0.0625"}, {"epsilon0", "1e-4"}}));
  EXPECT_EQ(combos[1].values, (KeyValues{{"seed", "0"}, {"lambda", "0.0625"}, {"epsilon0", "1e-3"}}));
  EXPECT_EQ(combos[2].values, (KeyValues{{"seed", "0"}, {"lambda", "0.125"}, {"epsilon0", "1e-4"}}));
  EXPECT_EQ(combos[11].values, (KeyValues{{"seed", "1"}, {"lambda", "0.25"}, {"epsilon0", "1e-3"}}));
  EXPECT_EQ(combos[0].name, "000-seed=0-lambda=0.0625-epsilon0=1e-4");
  EXPECT_EQ(combos[11].name, "011-seed=1-lambda=0.25-epsilon0=1e-3");
  for (size_t i = 0; i < combos.size(); ++i) EXPECT_EQ(combos[i].index, int(i));
  // Stable: the same file gives the same names again.
  const std::vector<Combination> again = expand(read_grid(dir.file("grid.toml")));
  for (size_t i = 0; i < combos.size(); ++i) EXPECT_EQ(again[i].name, combos[i].name);
}

TEST(Sweep, BadGridFilesSayWhereAndWhat) {
  TempDir dir;
  const std::string bad = dir.file("bad.toml");
  auto grid_of = [&](const std::string& text) {
    test::write_text(bad, text);
    return read_grid(bad);
  };
  EXPECT_ERROR_WITH(grid_of("seed [0, 1]\n"), "bad.toml:1: expected key = value");
  EXPECT_ERROR_WITH(grid_of("a = 1\nseed = [0, 1\n"), "bad.toml:2: a list must end with ]");
  EXPECT_ERROR_WITH(grid_of("seed = []\n"), "an empty list");
  EXPECT_ERROR_WITH(grid_of("seed = [1]\nseed = [2]\n"), "seed is given twice");
  EXPECT_ERROR_WITH(grid_of("out = \"x\"\n"), "out is set by the sweep");
  EXPECT_ERROR_WITH(grid_of("[train]\n"), "sections are not used");
  EXPECT_ERROR_WITH(grid_of("command = \"bench\"\n"), "command must be search or train");
  EXPECT_ERROR_WITH(read_grid(dir.file("missing.toml")), "missing.toml", "cannot read");
}

// What jobs/sweep.sbatch runs for array task i: exactly combination i's options.
TEST(Sweep, AnArrayTaskResolvesItsOwnCombination) {
  TempDir dir;
  test::write_text(dir.file("grid.toml"), kGrid);
  std::string out;
  ASSERT_EQ(test::run_ldarts("sweep " + dir.file("grid.toml") + " --out /sw --task 7 --print-args", out), 0) << out;
  EXPECT_EQ(lines(out), (std::vector<std::string>{"search", "--config", "configs/tiny.toml", "--epochs", "5", "--seed",
                                                  "1", "--lambda", "0.0625", "--epsilon0", "1e-3", "--out",
                                                  "/sw/007-seed=1-lambda=0.0625-epsilon0=1e-3"}));
  ASSERT_EQ(test::run_ldarts("sweep " + dir.file("grid.toml") + " --out /sw --task 7 --stage pipeline-train --print-args",
                             out),
            0)
      << out;
  EXPECT_EQ(lines(out), (std::vector<std::string>{"train", "--config", "configs/train-tiny.toml", "--genotype",
                                                  "/sw/007-seed=1-lambda=0.0625-epsilon0=1e-3/genotype.json",
                                                  "--network", "nb201", "--out",
                                                  "/sw/007-seed=1-lambda=0.0625-epsilon0=1e-3.train"}));
  EXPECT_NE(test::run_ldarts("sweep " + dir.file("grid.toml") + " --out /sw --task 12 --print-args", out), 0);
  EXPECT_NE(out.find("has 12 combinations (0..11)"), std::string::npos) << out;
}

// --local: each search, then the training of its genotype; a failed search is
// not trained, the others are, and the sweep says which failed.
TEST(Sweep, LocalPipelineTrainsOnlyAfterItsSearchSucceeded) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  test::write_text(dir.file("grid.toml"),
                   "command = \"search\"\n"
                   "dataset = \"mnist\"\ndata-dir = \"" + dir.path() + "\"\n"
                   "channels = 4\ncells-per-stage = 1\nbatch-size = 8\nmax-steps = 2\neval-steps = 1\nthreads = 1\n"
                   "epochs = [0, 1]   # 0 is refused: that search fails\n"
                   "train = \"" + test::source_path("configs/train-tiny.toml") + "\"\n"
                   "train.dataset = \"mnist\"\ntrain.data-dir = \"" + dir.path() + "\"\ntrain.network = \"nb201\"\n"
                   "train.channels = 4\ntrain.layers = 1\ntrain.batch-size = 8\ntrain.epochs = 1\ntrain.max-steps = 2\n"
                   "train.eval-steps = 1\ntrain.test = false\ntrain.threads = 1\n");
  std::string out;
  EXPECT_NE(test::run_ldarts("sweep " + dir.file("grid.toml") + " --out " + dir.file("sw") + " --local", out), 0);
  EXPECT_NE(out.find("1 of 2 combinations failed: 000-epochs=0 (search"), std::string::npos) << out;
  EXPECT_FALSE(file_exists(dir.file("sw/000-epochs=0.train/metrics.csv")));
  EXPECT_TRUE(file_exists(dir.file("sw/001-epochs=1/genotype.json")));
  EXPECT_TRUE(file_exists(dir.file("sw/001-epochs=1.train/metrics.csv"))) << out;
  EXPECT_NE(test::read_text(dir.file("sw/plan.tsv")).find("1\t001-epochs=1\t1"), std::string::npos);
}
