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
// --resume auto: the newest checkpoint of `folder` that loads (nullopt when the
// folder has none). One that fails its checks (truncated, corrupt, CRC) is
// passed over for the previous one, and `warn` is told which files failed;
// an Error naming every file when none loads.
std::optional<Checkpoint> read_newest_checkpoint(const std::string& folder,
                                                 const std::function<void(const std::string&)>& warn);
// Keeps the newest `keep` checkpoints of `folder` and points latest.h5 at the
// newest (an atomic symlink swap).
void rotate_checkpoints(const std::string& folder, int keep);

}  // namespace ldarts
