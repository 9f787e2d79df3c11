// Checkpoints: round trip, bad files, exact resume, preemption by signal,
// divergence.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/search/search_run.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {

Checkpoint sample_checkpoint() {
  Checkpoint c;
  c.tensors["model/a.weight"] = torch::arange(12, torch::kFloat).view({3, 4});
  c.tensors["model/b.num_batches_tracked"] = torch::tensor(7, torch::kLong);
  c.tensors["arch/alpha"] = torch::randn({6, 5}, torch::kFloat);
  c.tensors["rng/state"] = torch::arange(200).to(torch::kByte);
  c.integers["state/epoch"] = 3;
  c.doubles["epoch_sums/train_loss"] = 1.25;
  c.strings["run/space"] = "nb201";
  c.strings["empty"] = "";
  return c;
}

std::string read_all(const std::string& path) { return test::read_text(path); }

SearchOptions tiny_run(const std::string& data_dir, const std::string& out) {
  SearchOptions o;
  o.dataset = "mnist";
  o.data_dir = data_dir;
  o.channels = 4;
  o.cells_per_stage = 1;
  o.batch_size = 8;
  o.epochs = 3;
  o.max_steps = 3;
  o.eval_steps = 1;
  o.lambda = 0.5;  // regularizer active from epoch 2
  o.checkpoint_every = 1;
  o.keep_checkpoints = 100;
  o.out = out;
  o.seed = 4;
  return o;
}

// metrics.csv without its last column (seconds, which differ between runs).
std::string without_seconds(const std::string& csv) {
  std::string out, line;
  std::istringstream in(csv);
  while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

}  // namespace

TEST(Checkpoint, RoundTrip) {
  TempDir dir;
  const Checkpoint c = sample_checkpoint();
  write_checkpoint(dir.file("c.h5"), c);
  EXPECT_FALSE(file_exists(dir.file("c.h5.tmp")));
  const Checkpoint r = read_checkpoint(dir.file("c.h5"));
  for (const auto& [key, t] : c.tensors) {
    EXPECT_EQ(r.tensor(key).scalar_type(), t.scalar_type()) << key;
    EXPECT_TRUE(torch::equal(r.tensor(key).view(t.sizes()), t)) << key;
  }
  EXPECT_EQ(r.integer("state/epoch"), 3);
  EXPECT_EQ(r.number("epoch_sums/train_loss"), 1.25);
  EXPECT_EQ(r.string("run/space"), "nb201");
  EXPECT_EQ(r.string("empty"), "");
  EXPECT_ERROR_WITH(r.tensor("model/missing"), dir.file("c.h5"), "no dataset 'model/missing'");
}

TEST(Checkpoint, BadFilesSayWhatIsWrong) {
  TempDir dir;
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("none.h5")), "does not exist");
  test::write_text(dir.file("text.h5"), "not hdf5 at all\n");
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("text.h5")), dir.file("text.h5"), "not an HDF5 file");

  write_checkpoint(dir.file("good.h5"), sample_checkpoint());
  std::string bytes = read_all(dir.file("good.h5"));
  test::write_text(dir.file("truncated.h5"), bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(read_checkpoint(dir.file("truncated.h5")), Error);

  // Flip one byte inside the stored rng/state tensor (bytes 0..199): the checksum catches it.
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += static_cast<char>(i);
  const size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 100] ^= 0x5A;
  test::write_text(dir.file("corrupt.h5"), bytes);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("corrupt.h5")), dir.file("corrupt.h5"), "rng/state", "checksum");

  write_checkpoint(dir.file("future.h5"), sample_checkpoint(), kCheckpointFormat + 1);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("future.h5")), "format version 2", "reads version 1");
}

TEST(Checkpoint, RotationKeepsTheNewest) {
  TempDir dir;
  for (int step : {3, 10, 7, 12}) write_checkpoint(dir.file(checkpoint_name(step)), sample_checkpoint());
  test::write_text(dir.file(checkpoint_name(99) + ".tmp"), "half-written");
  EXPECT_EQ(latest_checkpoint(dir.path()), dir.file(checkpoint_name(12)));
  rotate_checkpoints(dir.path(), 2);
  EXPECT_FALSE(file_exists(dir.file(checkpoint_name(3))));
  EXPECT_FALSE(file_exists(dir.file(checkpoint_name(7))));
  EXPECT_TRUE(file_exists(dir.file(checkpoint_name(10))));
  EXPECT_EQ(read_checkpoint(dir.file("latest.h5")).integer("state/epoch"), 3);
}

TEST(Resume, ContinuesExactlyAsAnUninterruptedRun) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  const SearchOptions whole = tiny_run(dir.path(), dir.file("whole"));
  run_search(whole, "", comm);

  // Resume from a mid-epoch checkpoint (global step 4 = epoch 2, step 1; the
  // regularizer is on in epoch 2) into another folder and finish.
  SearchOptions resumed = tiny_run(dir.path(), dir.file("resumed"));
  resumed.resume = dir.file("whole/" + checkpoint_name(4));
  run_search(resumed, "", comm);

  const Checkpoint a = read_checkpoint(dir.file("whole/" + checkpoint_name(9)));
  const Checkpoint b = read_checkpoint(dir.file("resumed/" + checkpoint_name(9)));
  for (const auto& [key, t] : a.tensors) {
    if (key.rfind("rng/", 0) == 0) continue;
    EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;  // bit-identical
  }
  EXPECT_EQ(read_all(dir.file("whole/steps.csv")), read_all(dir.file("resumed/steps.csv")));
  EXPECT_EQ(without_seconds(read_all(dir.file("whole/metrics.csv"))),
            without_seconds(read_all(dir.file("resumed/metrics.csv"))));
  EXPECT_EQ(read_all(dir.file("whole/genotype.json")), read_all(dir.file("resumed/genotype.json")));
  EXPECT_EQ(read_all(dir.file("whole/alphas.jsonl")), read_all(dir.file("resumed/alphas.jsonl")));
}

TEST(Resume, RefusesAnotherNetworkOrSpace) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  SearchOptions o = tiny_run(dir.path(), dir.file("run"));
  o.epochs = 1;
  run_search(o, "", comm);
  SearchOptions wider = o;
  wider.channels = 6;
  wider.resume = "auto";
  EXPECT_ERROR_WITH(run_search(wider, "", comm), checkpoint_name(3), "model/", "has shape", "--channels");
}

TEST(Resume, DivergenceStopsAndKeepsTheLastCheckpoint) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  SearchOptions o = tiny_run(dir.path(), dir.file("run"));
  o.epochs = 1;
  run_search(o, "", comm);  // a good epoch: checkpoints 1..3
  const std::string before = read_all(dir.file("run/" + checkpoint_name(3)));
  o.epochs = 3;
  o.resume = "auto";
  o.lr = 1e30;  // the first update blows the weights up
  o.grad_clip = 1e30;
  EXPECT_ERROR_WITH(run_search(o, "", comm), "step 4", "diverged");
  EXPECT_EQ(latest_checkpoint(dir.file("run")), dir.file("run/" + checkpoint_name(3)));
  EXPECT_EQ(read_all(dir.file("run/" + checkpoint_name(3))), before);
  EXPECT_EQ(read_checkpoint(dir.file("run/latest.h5")).integer("state/epoch"), 1);
}

TEST(Preemption, SignalCheckpointsExitsAndResumes) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  const std::string common = "search --dataset mnist --data-dir " + dir.path() +
                             " --channels 4 --cells-per-stage 1 --batch-size 8 --epochs 3 --max-steps 3"
                             " --eval-steps 1 --seed 4 --lambda 0.5 --threads 1 --keep-checkpoints 100";
  std::string out;
  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("whole"), out), 0) << out;

  // Start, wait for the first logged step, send SIGUSR1.
  const int pid = test::start_ldarts(common + " --out " + dir.file("stopped"), dir.file("stopped.log"));
  for (int i = 0; i < 600; ++i) {
    const std::string steps = test::read_text(dir.file("stopped/steps.csv"));
    if (std::count(steps.begin(), steps.end(), '\n') >= 2) break;
    usleep(50 * 1000);
  }
  kill(pid, SIGUSR1);
  const int code = test::wait_ldarts(pid);
  const std::string log = test::read_text(dir.file("stopped.log"));
  if (code == 0) GTEST_SKIP() << "the run finished before the signal arrived";
  ASSERT_EQ(code, 75) << log;
  EXPECT_NE(log.find("preempted"), std::string::npos) << log;
  const std::string latest = latest_checkpoint(dir.file("stopped"));
  ASSERT_FALSE(latest.empty());

  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("stopped") + " --resume auto", out), 0) << out;
  EXPECT_NE(out.find("resumed from"), std::string::npos) << out;
  EXPECT_EQ(read_all(dir.file("whole/steps.csv")), read_all(dir.file("stopped/steps.csv")));
  EXPECT_EQ(read_all(dir.file("whole/genotype.json")), read_all(dir.file("stopped/genotype.json")));
}
