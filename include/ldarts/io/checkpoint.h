// Checkpoints as HDF5 files (docs/method.md §9). A Checkpoint is a flat map from HDF5
// paths ("model/cells.0.edge_1_0.nor_conv_3x3.conv.weight", "arch/cell",
// "state/epoch") to tensors, integers, doubles and strings; the search decides
// what goes in, this file only writes and reads it. Every dataset carries a
// Fletcher-32 checksum. Only src/io/ includes the HDF5 headers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ldarts {

constexpr int64_t kCheckpointFormat = 1;

struct Checkpoint {
  std::map<std::string, at::Tensor> tensors;  // CPU tensors: float32/64, int64, uint8
  std::map<std::string, int64_t> integers;
  std::map<std::string, double> doubles;
  std::map<std::string, std::string> strings;

  // Accessors that fail with a message naming the file and the missing part.
  const at::Tensor& tensor(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;
  const std::string& string(const std::string& key) const;
  std::string source;  // the file it was read from
};

// Writes to `path`.tmp, flushes and closes it, then renames it over `path`.
// (`format` is for tests of the version check.)
void write_checkpoint(const std::string& path, const Checkpoint& checkpoint, int64_t format = kCheckpointFormat);
// Reads every dataset and verifies its checksum; a file that is missing,
// truncated, not HDF5, corrupt or of another format version is a user error
// naming the file and the part.
Checkpoint read_checkpoint(const std::string& path);

// Checkpoint files of a run folder: checkpoint-<global step, 9 digits>.h5.
std::string checkpoint_name(int64_t global_step);
// The newest complete checkpoint in `folder` ("" if none). Temporary files of
// an interrupted write are ignored.
std::string latest_checkpoint(const std::string& folder);
// The run id a checkpoint was written by (run/run_id), read without loading the
// rest: "" for checkpoints of ldarts before run ids, nullopt when unreadable.
std::optional<std::string> checkpoint_run_id(const std::string& path);
// --resume auto: the newest checkpoint of `folder` written by run `run_id` that
// loads (nullopt when the folder has none). Checkpoints of other runs are
// skipped (and named to `warn`); ones without a run id (older ldarts) count as
// the folder's own. One that fails its checks (truncated, corrupt, CRC) is
// passed over for the previous one, and `warn` is told which files failed;
// an Error naming every file when none loads.
std::optional<Checkpoint> read_newest_checkpoint(const std::string& folder, const std::string& run_id,
                                                 const std::function<void(const std::string&)>& warn);
// Keeps the newest `keep` checkpoints of run `run_id` in `folder` (never deleting
// another run's, or one whose id cannot be read), points latest.h5 at the
// newest of them (an atomic symlink swap) and flushes the folder to disk.
void rotate_checkpoints(const std::string& folder, int keep, const std::string& run_id);
// ---- for tests and fuzzing: files no ldarts writes, past the CRC ----
// One dataset of any shape and type: class 'i' (integer), 'f' (float) or 's' (fixed string),
// of `type_size` bytes each; `bytes` is written when it holds all the values, else the
// dataset stays unallocated (a file that claims more data than it holds).
struct RawDataset {
  std::string path;
  char type_class = 'i';
  size_t type_size = 8;
  std::vector<uint64_t> dims{1};
  std::string bytes;
};
// An HDF5 file of these datasets with a checkpoint's user block, sealed with a valid
// ldarts header (CRC) when `seal` is set: read_checkpoint then parses it. Without
// `user_block`: a plain HDF5 file, as ldarts 0.1 wrote (read without the CRC check).
void write_raw_checkpoint(const std::string& path, const std::vector<RawDataset>& datasets, bool seal = true,
                          bool user_block = true);
// Seals an HDF5 file written with a 512-byte user block (what write_checkpoint does last).
void seal_checkpoint(const std::string& path);

// Removes <folder>/*.tmp left by a write that was killed (rank 0, at the start of a run).
void remove_stale_temporaries(const std::string& folder);

}  // namespace ldarts
