// Faults (issue 15): kill -9 at random moments, checkpoint writes included,
// must always leave the newest complete checkpoint loadable, and --resume auto
// must pick it and finish the run as an uninterrupted one.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "ldarts/core/files.h"
#include "ldarts/io/checkpoint.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {
bool has_partial(const std::string& folder) {
  if (!is_directory(folder)) return false;
  for (const std::string& name : list_dir(folder, false))
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) return true;
  return false;
}
}  // namespace

TEST(Faults, KillNineAtRandomMomentsAlwaysLeavesALoadableNewestCheckpoint) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 96, 12);
  // A checkpoint every step, of a supernet big enough (C=16, N=2: ~5 MiB) that
  // some kills land inside a write.
  const std::string common = "search --dataset mnist --data-dir " + dir.path() +
                             " --channels 16 --cells-per-stage 2 --batch-size 8 --epochs 20 --max-steps 6"
                             " --eval-steps 1 --seed 5 --lambda 0.5 --threads 1 --checkpoint-every 1"
                             " --keep-checkpoints 2 --probe-every 3";
  std::string out;
  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("whole"), out), 0) << out;

  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> delay_ms(300, 2500);
  int killed = 0, inside_write = 0, left_partial = 0, progressed = 0;
  int64_t last_step = -1;
  for (int attempt = 0; attempt < 60 && killed < 20; ++attempt) {
    const int pid = test::start_ldarts(common + " --out " + dir.file("killed") + " --resume auto",
                                       dir.file("killed.log"));
    if (attempt % 2 == 0) {
      usleep(delay_ms(random) * 1000);
    } else {
      // Inside a checkpoint write: stopped as soon as its .tmp file appears, killed while it is still there.
      for (int poll = 0; poll < 50000 && !has_partial(dir.file("killed")); ++poll) usleep(200);
      kill(pid, SIGSTOP);
      inside_write += has_partial(dir.file("killed"));
    }
    if (kill(pid, SIGKILL) != 0 || test::wait_ldarts(pid) != -SIGKILL) break;  // it had finished: stop killing
    ++killed;
    left_partial += has_partial(dir.file("killed"));
    const std::string newest = latest_checkpoint(dir.file("killed"));
    if (newest.empty()) continue;  // killed before the first checkpoint
    const Checkpoint c = read_checkpoint(newest);  // loadable, checksums verified (throws otherwise)
    const int64_t step = c.integer("search/steps_done");
    EXPECT_GE(step, last_step) << "the newest checkpoint went back in time";
    progressed += step > last_step;
    last_step = step;
  }
  std::printf("[ faults ] %d kills, %d inside a checkpoint write, %d left a half-written .tmp, the newest "
              "checkpoint advanced %d times\n", killed, inside_write, left_partial, progressed);
  EXPECT_GE(killed, 20);
  EXPECT_GE(inside_write, 5);  // kills inside writes did happen
  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("killed") + " --resume auto", out), 0) << out;
  EXPECT_EQ(test::read_text(dir.file("whole/steps.csv")), test::read_text(dir.file("killed/steps.csv")));
  EXPECT_EQ(test::read_text(dir.file("whole/genotype.json")), test::read_text(dir.file("killed/genotype.json")));
  EXPECT_EQ(test::read_text(dir.file("whole/diagnostics.csv")), test::read_text(dir.file("killed/diagnostics.csv")));
}
