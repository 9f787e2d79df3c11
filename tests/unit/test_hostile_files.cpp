// Hand-made hostile files, one per reader finding of issue 24: each is refused with an
// Error naming the file, where it used to write out of bounds, divide by zero, follow a
// path out of the run folder, dereference a null item or allocate gigabytes. Each test
// states what the file did before its fix.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <zlib.h>

#include <cstring>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"
#include "ldarts/data/pickle.h"
#include "ldarts/data/split.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/search/genotype_input.h"
#include "ldarts/search/search_run.h"
#include "support/search_support.h"
#include "support/test_support.h"

namespace ldarts {
namespace {

using test::TempDir;

std::string int64_bytes(std::vector<int64_t> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(int64_t));
}

// A minimal valid checkpoint's datasets, to which each test adds one hostile dataset.
std::vector<RawDataset> valid_part() {
  return {RawDataset{"format_version", 'i', 8, {1}, int64_bytes({kCheckpointFormat})}};
}

// Before: H5Dread with H5S_ALL wrote all 1000 values into one int64_t on the stack.
TEST(HostileFiles, CheckpointScalarWithManyValues) {
  TempDir dir;
  auto sets = valid_part();
  sets.push_back({"integers/state/epoch", 'i', 8, {1000}, int64_bytes(std::vector<int64_t>(1000, 7))});
  write_raw_checkpoint(dir.file("c.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("c.h5")), "c.h5", "integers/state/epoch", "must hold one integer",
                    "1000 values");
  sets.back() = {"doubles/x", 'f', 8, {2, 3}, std::string(48, '\0')};
  write_raw_checkpoint(dir.file("d.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("d.h5")), "doubles/x", "must hold one number");
  sets.back() = {"format_version", 'i', 8, {4}, int64_bytes({1, 1, 1, 1})};
  sets.erase(sets.begin());
  write_raw_checkpoint(dir.file("f.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("f.h5")), "format_version", "must hold one integer");
}

// Before: a string dataset of 64 strings of 100 bytes was read into one 100-byte buffer (heap overflow).
TEST(HostileFiles, CheckpointStringWithManyValues) {
  TempDir dir;
  auto sets = valid_part();
  sets.push_back({"strings/run/command", 's', 100, {64}, std::string(6400, 'x')});
  write_raw_checkpoint(dir.file("c.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("c.h5")), "strings/run/command", "must hold one string");
  sets.back() = {"strings/run/command", 'i', 8, {1}, int64_bytes({5})};  // a number where a string belongs
  write_raw_checkpoint(dir.file("d.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("d.h5")), "strings/run/command", "must hold one string");
}

// Before: a tensor that claims 2^40 values in a 3 KB file (unallocated chunks) was allocated (4 TiB: bad_alloc).
TEST(HostileFiles, CheckpointTensorLargerThanTheFile) {
  TempDir dir;
  auto sets = valid_part();
  sets.push_back({"tensors/model/w", 'f', 4, {uint64_t(1) << 20, uint64_t(1) << 20}, ""});
  write_raw_checkpoint(dir.file("c.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("c.h5")), "tensors/model/w", "larger than the file");
  sets.back() = {"tensors/model/w", 'f', 4, {1}, std::string(4, '\0')};
  sets.push_back({"tensors/model/v", 'i', 8, {}, int64_bytes({1})});  // a scalar dataspace: no shape
  write_raw_checkpoint(dir.file("d.h5"), sets);
  EXPECT_ERROR_WITH(read_checkpoint(dir.file("d.h5")), "tensors/model/v", "has no shape");
  // The valid part alone loads (the cases above fail for the hostile dataset, not the rest).
  write_raw_checkpoint(dir.file("ok.h5"), valid_part());
  EXPECT_EQ(read_checkpoint(dir.file("ok.h5")).integer("format_version"), kCheckpointFormat);
}

// A checkpoint of a real run, changed by `edit` and resumed from: each edit is refused
// with an Error naming the file, and the folder outside the run is untouched.
void expect_resume_refused(const std::function<void(Checkpoint&)>& edit, const std::string& message) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 32, 10);
  SearchOptions o = test::tiny_search_options(dir.path(), dir.file("run/a"));
  o.epochs = 2, o.max_steps = 1, o.eval_steps = 1, o.threads = 1;
  LocalCommunicator comm;
  o.epochs = 1;
  run_search(o, "", comm);
  Checkpoint c = read_checkpoint(latest_checkpoint(dir.file("run/a")));
  edit(c);
  write_checkpoint(dir.file("run/a/crafted.h5"), c);
  test::write_text(dir.file("victim"), "precious");
  o.epochs = 2;
  o.resume = dir.file("run/a/crafted.h5");
  EXPECT_ERROR_WITH(run_search(o, "", comm), "crafted.h5", message);
  EXPECT_EQ(test::read_text(dir.file("victim")), "precious");
}

// Before: the name was joined to --out unchecked, and the resume truncated ../../victim.
TEST(HostileFiles, CheckpointTensorBoardFileOutsideTheRunFolder) {
  expect_resume_refused(
      [](Checkpoint& c) {
        c.strings["logs/tensorboard_file"] = "../../victim";
        c.integers["logs/tensorboard_bytes"] = 0;  // resumed at 0 bytes: the old code truncated the victim
      },
                        "is not an event file name of this run folder");
}

// Before: rank % 0 (SIGFPE) for an rng table with no rows.
TEST(HostileFiles, CheckpointRngStatesWithNoRows) {
  expect_resume_refused([](Checkpoint& c) { c.tensors["rng/torch_cpu"] = torch::zeros({0, 5056}, torch::kByte); },
                        "rng/torch_cpu must be uint8 [ranks >= 1");
}

// Before: a division by run/world_size = 0 when the batch was re-split.
TEST(HostileFiles, CheckpointWorldSizeZero) {
  expect_resume_refused([](Checkpoint& c) { c.integers["run/world_size"] = 0; }, "run/world_size 0");
}

// Before: 20 digits overflowed int64 to a negative index that passed `i < size` and wrote before the buffer.
TEST(HostileFiles, SplitFileIndexOverflow) {
  TempDir dir;
  test::write_text(dir.file("split.txt"), "{\"train\": [\"int\", [0, 1]], \"valid\": [\"int\", [18446744073709551614]]}");
  EXPECT_ERROR_WITH(read_split_file(dir.file("split.txt"), 10), "split.txt", "too large");
  test::write_text(dir.file("split2.txt"), "{\"train\": [\"int\", [0, 1]], \"valid\": [\"int\", [9223372036854775]]}");
  EXPECT_ERROR_WITH(read_split_file(dir.file("split2.txt"), 10), "split2.txt", "out of range");
}

// Before: a numpy array whose shape is an object never BUILT kept a null item, dereferenced (SIGSEGV).
TEST(HostileFiles, PickleObjectNeverBuilt) {
  const std::string pickle = std::string("\x80\x02", 2) + "cnumpy.core.multiarray\n_reconstruct\n)R(K\x01" +
                             "cx\ny\n)RNNC\x03" + "abc" + "tb.";
  const PyRef v = read_pickle(std::vector<unsigned char>(pickle.begin(), pickle.end()), "crafted.pkl");
  std::vector<int64_t> shape;
  EXPECT_ERROR_WITH(numpy_array_bytes(v, shape, "crafted.pkl"), "crafted.pkl", "shape");
}

// Before: 16 MB of zeros compressed to 16 KB inflated in full (up to 4 GiB for a crafted file).
TEST(HostileFiles, SvhnCompressedVariableInflatesTooFar) {
  TempDir dir;
  const std::vector<unsigned char> zeros(16 << 20, 0);
  uLongf packed_size = compressBound(zeros.size());
  std::vector<unsigned char> packed(packed_size);
  ASSERT_EQ(compress(packed.data(), &packed_size, zeros.data(), zeros.size()), Z_OK);
  std::string file(128, ' ');
  file[124] = 0x00, file[125] = 0x01, file[126] = 'I', file[127] = 'M';
  const uint32_t tag[2] = {15, uint32_t(packed_size)};  // miCOMPRESSED
  file.append(reinterpret_cast<const char*>(tag), 8);
  file.append(reinterpret_cast<const char*>(packed.data()), packed_size);
  test::write_text(dir.file("train_32x32.mat"), file);
  EXPECT_ERROR_WITH(read_svhn_mat(dir.file("train_32x32.mat")), "train_32x32.mat", "inflates to more than");
}

// Before: a genotype of 100 intermediate nodes was accepted, and training built a cell of 100 nodes.
TEST(HostileFiles, GenotypeWithTooManyNodes) {
  std::string pairs;
  for (int i = 0; i < 200; ++i) pairs += std::string(i ? ", " : "") + "('skip_connect', 0)";
  const std::string text = "Genotype(normal=[" + pairs + "], normal_concat=[2], reduce=[" + pairs +
                           "], reduce_concat=[2])";
  EXPECT_ERROR_WITH(parse_genotype(text, "crafted.txt"), "crafted.txt", "100 intermediate nodes");
}

}  // namespace
}  // namespace ldarts
