// CIFAR-10/100 binary version: fixed-size records, label byte(s) then
// 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major 32x32).
#include <cerrno>
#include <cstring>
#include <fstream>

#include <ATen/ATen.h>

#include "ldarts/core/error.h"
#include "ldarts/data/dataset.h"

namespace ldarts {

ImageSet read_cifar_binary(const std::vector<std::string>& files, int label_bytes, int label_index,
                           int64_t num_classes) {
  constexpr int64_t pixels = 3 * 32 * 32;
  const int64_t record = label_bytes + pixels;
  std::vector<std::string> contents;
  int64_t total = 0;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    LDARTS_CHECK(in, "cannot open ", path, ": ", std::strerror(errno),
                 " (set --data-dir to the folder with the CIFAR binary files)");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LDARTS_CHECK(!bytes.empty() && bytes.size() % record == 0, path, ": ", bytes.size(),
                 " bytes is not a whole number of ", record,
                 "-byte CIFAR records (truncated, or not the binary version)");
    total += bytes.size() / record;
    contents.push_back(std::move(bytes));
  }
  ImageSet set;
  set.images = at::empty({total, 3, 32, 32}, at::kByte);
  set.labels = at::empty({total}, at::kLong);
  uint8_t* img = set.images.data_ptr<uint8_t>();
  int64_t* lab = set.labels.data_ptr<int64_t>();
  int64_t i = 0;
  for (size_t f = 0; f < files.size(); ++f) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(contents[f].data());
    for (int64_t r = 0; r < int64_t(contents[f].size()) / record; ++r, ++i) {
      const uint8_t* rec = bytes + r * record;
      LDARTS_CHECK(rec[label_index] < num_classes, files[f], ": label ", int(rec[label_index]),
                   " of record ", r, " is out of range [0, ", num_classes, ")");
      lab[i] = rec[label_index];
      std::memcpy(img + i * pixels, rec + label_bytes, pixels);
    }
  }
  set.num_classes = num_classes;
  set.source = files.front();
  return set;
}

}  // namespace ldarts
