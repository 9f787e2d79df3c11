// Checkpoints: round trip, bad files, exact resume, preemption by signal,
// divergence.
#include <functional>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/run/run_folder.h"
#include "ldarts/search/method.h"
#include "ldarts/search/search_run.h"
#include "support/search_support.h"
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
  SearchOptions o = test::tiny_search_options(data_dir, out);
  o.epochs = 3;
  o.max_steps = 3;
  o.eval_steps = 1;
  o.lambda = 0.5;  // regularizer active from epoch 2
  o.checkpoint_every = 1;
  o.keep_checkpoints = 100;
  o.probe_every = 2;  // diagnostics.csv and its averages must continue exactly too
  o.seed = 4;
  return o;
}

// metrics.csv without its last column (seconds, which differ between runs).
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

  // Flip one byte inside the stored rng/state tensor (bytes 0..199): the file's CRC-32 catches it.
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += static_cast<char>(i);
  const size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 100] ^= 0x5A;
  test::write_text(dir.file("corrupt.h5"), bytes);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("corrupt.h5")), dir.file("corrupt.h5"), "checksum", "CRC-32");
  // Without the 512-byte header it is a checkpoint of ldarts 0.1 (HDF5 at byte 0): still read, and
  // the dataset's Fletcher-32 checksum catches the flip.
  test::write_text(dir.file("old.h5"), read_all(dir.file("good.h5")).substr(512));
  EXPECT_EQ(read_checkpoint(dir.file("old.h5")).integer("state/epoch"), 3);
  test::write_text(dir.file("old-corrupt.h5"), bytes.substr(512));
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("old-corrupt.h5")), dir.file("old-corrupt.h5"), "rng/state", "checksum");
  // A damaged header is not taken for an old checkpoint.
  bytes = read_all(dir.file("good.h5"));
  bytes[0] ^= 1;
  test::write_text(dir.file("header.h5"), bytes);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("header.h5")), dir.file("header.h5"), "no ldarts header");

  write_checkpoint(dir.file("future.h5"), sample_checkpoint(), kCheckpointFormat + 1);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("future.h5")), "format version 2", "reads version 1");
}

TEST(Checkpoint, AFailedWriteKeepsThePreviousCheckpoint) {
  TempDir dir;
  const std::string path = dir.file(checkpoint_name(5));
  write_checkpoint(path, sample_checkpoint());
  const std::string before = read_all(path);
  Checkpoint bad = sample_checkpoint();
  bad.tensors["zz/unsupported"] = torch::ones({3}, torch::kInt);  // written last: fails mid-write
  EXPECT_ERROR_WITH(write_checkpoint(path, bad), "unsupported tensor type");
  EXPECT_EQ(read_all(path), before);
  EXPECT_EQ(read_checkpoint(path).integer("state/epoch"), 3);
  EXPECT_FALSE(file_exists(path + ".tmp"));
}

TEST(Checkpoint, H5dumpReadsIt) {
  if (std::system("command -v h5dump > /dev/null 2>&1") != 0) GTEST_SKIP() << "h5dump (hdf5-tools) not installed";
  TempDir dir;
  write_checkpoint(dir.file("c.h5"), sample_checkpoint());
  FILE* pipe = popen(("h5dump -H " + dir.file("c.h5") + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << out;
  EXPECT_NE(out.find("DATASET \"alpha\""), std::string::npos) << out;
  EXPECT_NE(out.find("H5T_IEEE_F32LE"), std::string::npos) << out;
}

TEST(Checkpoint, RotationKeepsTheNewest) {
  TempDir dir;
  for (int step : {3, 10, 7, 12}) write_checkpoint(dir.file(checkpoint_name(step)), sample_checkpoint());
  test::write_text(dir.file(checkpoint_name(99) + ".tmp"), "half-written");
  EXPECT_EQ(latest_checkpoint(dir.path()), dir.file(checkpoint_name(12)));
  rotate_checkpoints(dir.path(), 2, "00000000000000aa");  // checkpoints without a run id count as the run's own
  EXPECT_FALSE(file_exists(dir.file(checkpoint_name(3))));
  EXPECT_FALSE(file_exists(dir.file(checkpoint_name(7))));
  EXPECT_TRUE(file_exists(dir.file(checkpoint_name(10))));
  EXPECT_EQ(read_checkpoint(dir.file("latest.h5")).integer("state/epoch"), 3);
}

// Another run's checkpoints in the folder (newer ones, too) are never deleted by rotation,
// never resumed, and latest.h5 points at this run's newest. (Before run ids, rotation
// deleted this run's step-2 checkpoint at once because the other run's were "newer".)
TEST(Checkpoint, RotationAndResumeLeaveAnotherRunsCheckpointsAlone) {
  TempDir dir;
  Checkpoint theirs = sample_checkpoint(), ours = sample_checkpoint();
  theirs.strings["run/run_id"] = "00000000000000bb";
  ours.strings["run/run_id"] = "00000000000000aa";
  for (int step : {4, 8, 12}) write_checkpoint(dir.file(checkpoint_name(step)), theirs);
  ours.integers["state/step"] = 2;
  write_checkpoint(dir.file(checkpoint_name(2)), ours);
  rotate_checkpoints(dir.path(), 2, "00000000000000aa");
  for (int step : {2, 4, 8, 12}) EXPECT_TRUE(file_exists(dir.file(checkpoint_name(step)))) << step;
  EXPECT_EQ(read_checkpoint(dir.file("latest.h5")).string("run/run_id"), "00000000000000aa");
  EXPECT_EQ(checkpoint_run_id(dir.file(checkpoint_name(12))), "00000000000000bb");
  // The ids are remembered per file; a file replaced behind the process's back is read again.
  const std::string ours_bytes = read_all(dir.file(checkpoint_name(2)));
  test::write_text(dir.file("copy.h5"), read_all(dir.file(checkpoint_name(12))));
  EXPECT_EQ(checkpoint_run_id(dir.file("copy.h5")), "00000000000000bb");
  test::write_text(dir.file("copy.h5"), ours_bytes);
  EXPECT_EQ(checkpoint_run_id(dir.file("copy.h5")), "00000000000000aa");
  ::unlink(dir.file("copy.h5").c_str());
  std::vector<std::string> warnings;
  const auto resumed = read_newest_checkpoint(dir.path(), "00000000000000aa",
                                              [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->source, dir.file(checkpoint_name(2)));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("another run"), std::string::npos) << warnings[0];
  // Only the other run's: a fresh start, not theirs.
  ::unlink(dir.file(checkpoint_name(2)).c_str());
  EXPECT_FALSE(read_newest_checkpoint(dir.path(), "00000000000000aa", {}).has_value());
}

// Stops at global step `stop` (mid-epoch) and resumes into another folder.
// `configure` sets the run's options beyond tiny_run's (space, method, ...).
void expect_exact_resume(const std::string& fd_mode, int stop,
                         const std::function<void(SearchOptions&)>& configure = {}) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  auto options = [&](const std::string& out) {
    SearchOptions o = tiny_run(dir.path(), dir.file(out));
    o.fd_mode = parse_fd_mode(fd_mode);
    o.layers = 4;
    if (configure) configure(o);
    return o;
  };
  run_search(options("whole"), "", comm);
  SearchOptions resumed = options("resumed");
  resumed.resume = dir.file("whole/" + checkpoint_name(stop));
  run_search(resumed, "", comm);

  const Checkpoint a = read_checkpoint(dir.file("whole/" + checkpoint_name(9)));
  const Checkpoint b = read_checkpoint(dir.file("resumed/" + checkpoint_name(9)));
  EXPECT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [key, t] : a.tensors) EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;  // bit-identical, RNG too
  for (const auto& [key, v] : a.doubles) EXPECT_EQ(v, b.number(key)) << key;
  for (const auto& [key, v] : a.integers) {  // a method's own counters too (a resumed run starts a new event file)
    if (key == "logs/tensorboard_bytes") continue;
    EXPECT_EQ(v, b.integer(key)) << key;
  }
  EXPECT_EQ(read_all(dir.file("whole/steps.csv")), read_all(dir.file("resumed/steps.csv")));
  EXPECT_EQ(test::without_last_column(read_all(dir.file("whole/metrics.csv"))),
            test::without_last_column(read_all(dir.file("resumed/metrics.csv"))));
  EXPECT_EQ(read_all(dir.file("whole/genotype.json")), read_all(dir.file("resumed/genotype.json")));
  EXPECT_EQ(read_all(dir.file("whole/alphas.jsonl")), read_all(dir.file("resumed/alphas.jsonl")));
  EXPECT_EQ(read_all(dir.file("whole/diagnostics.csv")), read_all(dir.file("resumed/diagnostics.csv")));
  const std::string diagnostics = read_all(dir.file("whole/diagnostics.csv"));
  EXPECT_EQ(std::count(diagnostics.begin(), diagnostics.end(), '\n'), 1 + 4);  // header + global steps 2, 4, 6, 8
}

// Global step 4 = epoch 2, step 1: the regularizer (λ_t > 0) is on in epoch 2.
TEST(Resume, ContinuesExactlyAsAnUninterruptedRun) { expect_exact_resume("central", 4); }

// Interleaved alternates forward/backward by global step: resuming after an odd
// and after an even number of steps must keep the alternation.
// The DARTS space: two α (normal, reduce), α step first, Λ on the normal cells.
TEST(Resume, DartsSpaceResumesExactly) {
  expect_exact_resume("central", 4, [](SearchOptions& o) { o.space = "darts"; });
}
// PC-DARTS options: partial channels and edge normalization (β and its Adam moments restored).
TEST(Resume, PartialChannelsAndEdgeNormalizationResumeExactly) {
  expect_exact_resume("central", 4, [](SearchOptions& o) {
    o.space = "darts", o.partial_channels = 2, o.edge_normalization = true;
  });
}

// --clip-with-alpha reads the last α step's gradient in the next ω step: a resume
// must bring it back (a clip small enough to act on every step).
TEST(Resume, ClipWithAlphaResumesExactly) {
  for (const std::string method : {"darts", "beta-darts"}) {
    expect_exact_resume("central", 4, [method](SearchOptions& o) {
      o.method = method, o.clip_with_alpha = true, o.grad_clip = 0.05;
    });
  }
}

// Every --method, mid-epoch with the regularizer on (docs/methods.md): the second-order
// unrolled step reads the SGD momentum, SDARTS draws its noise per (seed, step).
TEST(Resume, EveryMethodResumesExactly) {
  for (const std::string& name : method_names()) {
    SCOPED_TRACE(name);
    const std::string& method = name;
    if (method == "p-darts") continue;  // DARTS spaces only: Progressive.ResumeInTheMiddleOfEveryStageIsExact
    expect_exact_resume("central", 4, [method](SearchOptions& o) {
      o.method = method;
      if (method == "pc-darts") o.partial_channels = 2;  // NB201 PC-DARTS has no β
    });
  }
}

TEST(Resume, InterleavedParitySurvivesTheResume) {
  expect_exact_resume("interleaved", 4);
  expect_exact_resume("interleaved", 5);
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

  // The same checkpoint claiming another space, or another world size.
  Checkpoint c = read_checkpoint(dir.file("run/" + checkpoint_name(3)));
  c.strings["run/space"] = "darts";
  write_checkpoint(dir.file("space.h5"), c);
  SearchOptions again = o;
  again.resume = dir.file("space.h5");
  again.out = dir.file("run2");
  EXPECT_ERROR_WITH(run_search(again, "", comm), "space.h5", "of space 'darts'", "this run is 'nb201'");
  c.strings["run/space"] = "nb201";
  c.integers["run/world_size"] = 4;
  write_checkpoint(dir.file("world.h5"), c);
  again.resume = dir.file("world.h5");
  // Another world size resumes (issue 15): 4 ranks x 1 micro-batch become 1 rank x 4.
  EXPECT_FALSE(file_exists(dir.file("run2/metrics.csv")));  // nothing written on a refused resume
  again.epochs += 1;  // one more epoch after the checkpoint, which writes one
  again.out = dir.file("run3");
  EXPECT_NO_THROW(run_search(again, "", comm));
  EXPECT_EQ(read_checkpoint(latest_checkpoint(dir.file("run3"))).integer("run/accumulate"), 4);
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

// A preemption at a known step (LDARTS_STOP_AT_STEP raises the signal in the
// process after that step, through the real handler): it never misses.
void expect_preemption(const std::string& stop_at) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  const std::string common = "search --dataset mnist --data-dir " + dir.path() +
                             " --channels 4 --cells-per-stage 1 --batch-size 8 --epochs 3 --max-steps 3"
                             " --eval-steps 1 --seed 4 --lambda 0.5 --threads 1 --keep-checkpoints 100";
  std::string out;
  ASSERT_NO_FATAL_FAILURE(test::interrupt_and_resume(
      common, dir.file("whole"), dir.file("stopped"), {"LDARTS_STOP_AT_STEP=" + stop_at, 75, ""},
      [&](const std::string& stopped) {
        EXPECT_NE(stopped.find("preempted (signal"), std::string::npos) << stopped;
        EXPECT_NE(stopped.find("checkpoint written at epoch 2 step 2"), std::string::npos) << stopped;  // step 5
        EXPECT_EQ(latest_checkpoint(dir.file("stopped")), dir.file("stopped/" + checkpoint_name(5)));
      },
      &out));
  EXPECT_NE(out.find("resumed from"), std::string::npos) << out;
  EXPECT_EQ(read_all(dir.file("whole/steps.csv")), read_all(dir.file("stopped/steps.csv")));
  EXPECT_EQ(read_all(dir.file("whole/genotype.json")), read_all(dir.file("stopped/genotype.json")));
}

TEST(Preemption, SigusrCheckpointsExitsAndResumes) { expect_preemption("5"); }
TEST(Preemption, SigtermCheckpointsExitsAndResumes) { expect_preemption("5:TERM"); }

// A signal during the end-of-epoch validation (issue 15): honoured within one
// batch, with a checkpoint after the epoch's steps; the resume runs the
// validation again and ends as the uninterrupted run.
TEST(Preemption, ASignalDuringValidationCheckpointsTheStepsAndResumes) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  for (const std::string command : {"search", "train"}) {
    const std::string common =
        command == "search"
            ? "search --dataset mnist --data-dir " + dir.path() +
                  " --channels 4 --cells-per-stage 1 --batch-size 8 --epochs 2 --max-steps 3 --eval-steps 0 --seed 4 "
                  "--lambda 0.5 --threads 1 --keep-checkpoints 100"
            : "train --dataset mnist --data-dir " + dir.path() +
                  " --genotype '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'"
                  " --network nb201 --channels 4 --layers 1 --batch-size 8 --epochs 2 --max-steps 3 --eval-steps 0"
                  " --valid-portion 0.25 --test false --seed 4 --threads 1 --keep-checkpoints 100";
    const std::string cut = dir.file(command + "-cut");
    ASSERT_NO_FATAL_FAILURE(test::interrupt_and_resume(
        common, dir.file(command + "-whole"), cut, {"LDARTS_FAULT_SIGNAL=validation", 75, ""}, [&](const std::string& out) {
          EXPECT_NE(out.find("after the steps of epoch 1, before its validation"), std::string::npos) << out;
          const Checkpoint c = read_checkpoint(latest_checkpoint(cut));
          EXPECT_EQ(c.integer("state/epoch"), 0);
          EXPECT_EQ(c.integer("state/step"), 3);
        }));
    EXPECT_EQ(test::without_last_column(read_all(dir.file(command + "-whole/metrics.csv"))),
              test::without_last_column(read_all(cut + "/metrics.csv")))
        << command;
    if (command == "search") {
      EXPECT_EQ(read_all(dir.file("search-whole/steps.csv")), read_all(cut + "/steps.csv"));
    }
  }
}

// --resume auto when the newest checkpoint is damaged (a disk fault, a copy cut short): it
// continues from the previous one, with a warning naming the damaged file, and ends equal to
// the uninterrupted run; when no checkpoint loads, the error names them.
TEST(Resume, AutoFallsBackToThePreviousCheckpointWhenTheNewestIsDamaged) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  run_search(tiny_run(dir.path(), dir.file("whole")), "", comm);
  run_search(tiny_run(dir.path(), dir.file("damaged")), "", comm);
  // Overwrite bytes in the middle of the newest checkpoint (global step 9, the last).
  const std::string newest = dir.file("damaged/" + checkpoint_name(9));
  std::string bytes = read_all(newest);
  ASSERT_GT(bytes.size(), 4096u);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 256; ++i) bytes[i] = char(~bytes[i]);
  test::write_text(newest, bytes);
  EXPECT_THROW(read_checkpoint(newest), Error);

  std::vector<std::string> warnings;
  const std::string id = folder_run_id(dir.file("damaged"));
  ASSERT_EQ(id.size(), 16u);
  const auto loaded =
      read_newest_checkpoint(dir.file("damaged"), id, [&](const std::string& w) { warnings.push_back(w); });
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->source, dir.file("damaged/" + checkpoint_name(8)));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(checkpoint_name(9)), std::string::npos) << warnings[0];

  SearchOptions again = tiny_run(dir.path(), dir.file("damaged"));
  again.resume = "auto";
  run_search(again, "", comm);  // reruns step 9 from step 8's checkpoint
  const Checkpoint a = read_checkpoint(dir.file("whole/" + checkpoint_name(9)));
  const Checkpoint b = read_checkpoint(newest);
  for (const auto& [key, t] : a.tensors) EXPECT_TRUE(torch::equal(t, b.tensor(key))) << key;
  EXPECT_EQ(read_all(dir.file("whole/steps.csv")), read_all(dir.file("damaged/steps.csv")));
  EXPECT_EQ(read_all(dir.file("whole/genotype.json")), read_all(dir.file("damaged/genotype.json")));

  // Every checkpoint damaged: an error that names the folder, not a fresh start over the run.
  TempDir empty;
  test::write_text(empty.file(checkpoint_name(3)), "not hdf5");
  EXPECT_ERROR_WITH(read_newest_checkpoint(empty.path(), id, {}), "no checkpoint in", checkpoint_name(3));
  EXPECT_FALSE(read_newest_checkpoint(dir.path(), id, {}).has_value());  // a folder without checkpoints: start afresh
}

// ---- run identity (issue 24) -----------------------------------------------------------------

namespace {

// Every file under `folder` (relative name -> bytes), latest.h5 by its target.
std::map<std::string, std::string> snapshot(const std::string& folder, const std::string& prefix = "") {
  std::map<std::string, std::string> files;
  for (const std::string& name : list_dir(folder, false)) files[prefix + name] = read_all(folder + "/" + name);
  for (const std::string& sub : list_dir(folder, true)) {
    const auto inner = snapshot(folder + "/" + sub, prefix + sub + "/");
    files.insert(inner.begin(), inner.end());
  }
  return files;
}

}  // namespace

// The reproduction of issue 24: run A finishes in R; run B (another seed) started into R
// without --resume used to start silently, have its checkpoints rotated away by A's
// "newer" ones and, requeued with --resume auto, continue A under B's name. Now B is
// refused and A is untouched; --resume auto with B's other settings is refused too; and
// --force moves A aside intact before B starts in R.
TEST(RunIdentity, AnotherRunsFolderIsRefusedAndForceMovesItAsideIntact) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  SearchOptions a = tiny_run(dir.path(), dir.file("R"));
  a.epochs = 1;
  a.seed = 1;
  run_search(a, "seed=1\n", comm);
  const std::string id_a = folder_run_id(dir.file("R"));
  ASSERT_EQ(id_a.size(), 16u);
  EXPECT_EQ(read_checkpoint(latest_checkpoint(dir.file("R"))).string("run/run_id"), id_a);
  const auto before = snapshot(dir.file("R"));

  SearchOptions b = a;
  b.seed = 2;
  EXPECT_ERROR_WITH(run_search(b, "seed=2\n", comm), "--out " + dir.file("R"), "run " + id_a, "--resume auto",
                    "--force");
  EXPECT_EQ(snapshot(dir.file("R")), before);
  b.resume = "auto";  // what the job scripts pass: a resume keeps the run's settings
  EXPECT_ERROR_WITH(run_search(b, "seed=2\n", comm), "changes seed=1 (now 2)");
  EXPECT_EQ(snapshot(dir.file("R")), before);

  b.resume = "";
  b.force = true;
  run_search(b, "seed=2\n", comm);
  const auto moved = list_dir(dir.path(), true);
  std::string old;
  for (const std::string& name : moved)
    if (name.rfind("R.old-", 0) == 0) old = dir.file(name);
  ASSERT_FALSE(old.empty());
  EXPECT_EQ(snapshot(old), before);  // nothing of A lost
  const std::string id_b = folder_run_id(dir.file("R"));
  EXPECT_EQ(id_b.size(), 16u);
  EXPECT_NE(id_b, id_a);
  EXPECT_EQ(read_checkpoint(dir.file("R/latest.h5")).string("run/run_id"), id_b);
  EXPECT_NE(read_all(dir.file("R/config.toml")), read_all(old + "/config.toml"));
  // A's checkpoint resumed into R, which is now B's: refused (it would have continued A in B's folder).
  SearchOptions a_again = a;
  a_again.resume = latest_checkpoint(old);
  EXPECT_ERROR_WITH(run_search(a_again, "seed=1\n", comm), "holds run " + id_b, "not the run of");
  // A run.json that is not one (damaged, or not ldarts'): no run to continue, --force moves it aside.
  make_dirs(dir.file("garbled"));
  test::write_text(dir.file("garbled/run.json"), "{\"run_id\": \"<script>\"}");
  SearchOptions g = a;
  g.out = dir.file("garbled");
  g.resume = "auto";
  EXPECT_ERROR_WITH(run_search(g, "seed=1\n", comm), "holds files of no ldarts run", "run.json");
  g.resume = "", g.force = true;
  run_search(g, "seed=1\n", comm);
  EXPECT_EQ(folder_run_id(dir.file("garbled")).size(), 16u);

  // A folder of unrelated files is refused as well, with or without --resume auto.
  make_dirs(dir.file("notes"));
  test::write_text(dir.file("notes/thesis.tex"), "\\chapter{}");
  SearchOptions c = a;
  c.out = dir.file("notes");
  EXPECT_ERROR_WITH(run_search(c, "", comm), "holds files of no ldarts run", "thesis.tex");
  c.resume = "auto";
  EXPECT_ERROR_WITH(run_search(c, "", comm), "holds files of no ldarts run", "thesis.tex");
  EXPECT_TRUE(file_exists(dir.file("notes/thesis.tex")));

  // A start that failed before its first step (it left only run.json and config.toml) is
  // taken over by the next fresh start: nothing of it is worth keeping.
  make_dirs(dir.file("failed"));
  test::write_text(dir.file("failed/run.json"), "{\"run_id\": \"00000000000000cc\", \"command\": \"search\"}\n");
  test::write_text(dir.file("failed/config.toml"), "seed=1\n");
  test::write_text(dir.file("failed/" + checkpoint_name(1) + ".tmp"), "a write cut by a kill");
  SearchOptions d = a;
  d.out = dir.file("failed");
  run_search(d, "", comm);
  EXPECT_NE(folder_run_id(dir.file("failed")), "00000000000000cc");
  EXPECT_FALSE(file_exists(dir.file("failed/" + checkpoint_name(1) + ".tmp")));
}

// The command line: the refusal is an error exit naming the way out, --force is a flag.
TEST(RunIdentity, CommandLineRefusesAndForces) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  const std::string common = "search --dataset mnist --data-dir " + dir.path() +
                             " --channels 4 --cells-per-stage 1 --batch-size 8 --epochs 1 --max-steps 2 "
                             "--eval-steps 1 --threads 1 --out " + dir.file("R");
  std::string out;
  ASSERT_EQ(test::run_ldarts(common, out), 0) << out;
  EXPECT_NE(test::run_ldarts(common + " --seed 5", out), 0);
  EXPECT_NE(out.find("--force"), std::string::npos) << out;
  EXPECT_NE(test::run_ldarts(common + " --seed 5 --resume auto", out), 0);
  EXPECT_NE(out.find("changes seed=0 (now 5)"), std::string::npos) << out;
  ASSERT_EQ(test::run_ldarts(common + " --seed 5 --force", out), 0) << out;
  EXPECT_NE(out.find("moved the earlier contents"), std::string::npos) << out;
}
