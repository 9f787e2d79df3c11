// MNIST / Fashion-MNIST idx format: big-endian header (magic 0x00000803 for
// images with dims N, rows, cols; 0x00000801 for labels with dim N), then bytes.
// zlib's gzread reads gzipped and plain files alike.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <ATen/ATen.h>

#include "ldarts/core/error.h"
#include "ldarts/data/dataset.h"

namespace ldarts {
namespace {

struct GzFile {
  gzFile file;
  std::string path;
  GzFile(const std::string& p) : file(gzopen(p.c_str(), "rb")), path(p) {
    LDARTS_CHECK(file != nullptr, "cannot open ", p, ": ", std::strerror(errno),
                 " (set --data-dir to the folder that holds the idx files)");
  }
  ~GzFile() { gzclose(file); }
  // Reads exactly n bytes or fails naming the file (`before`, `total`: the bytes of `what` read before, in all).
  void read(void* dst, size_t n, const char* what, size_t before = 0, size_t total = 0) {
    size_t got = 0;
    while (got < n) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - got, 1u << 30));
      const int r = gzread(file, static_cast<char*>(dst) + got, chunk);
      if (r <= 0) {
        int code = 0;
        const char* msg = gzerror(file, &code);
        fail(path, ": truncated or unreadable while reading ", what, " (got ", before + got, " of ", total ? total : n,
             " bytes", code < 0 ? std::string("; zlib: ") + msg : std::string(), ")");
      }
      got += r;
    }
  }
  uint32_t read_u32(const char* what) {
    unsigned char b[4];
    read(b, 4, what);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
  }
  // Exactly n bytes, read in pieces before anything of size n is allocated: a
  // corrupt count in a header must end in "truncated", not in a huge allocation.
  std::vector<unsigned char> read_bytes(size_t n, const char* what) {
    std::vector<unsigned char> bytes;
    while (bytes.size() < n) {
      const size_t got = bytes.size(), chunk = std::min<size_t>(n - got, 1 << 24);
      bytes.resize(got + chunk);
      read(bytes.data() + got, chunk, what, got, n);
    }
    return bytes;
  }
  bool at_end() {
    char c;
    return gzread(file, &c, 1) == 0;
  }
};

}  // namespace

ImageSet read_idx(const std::string& images_path, const std::string& labels_path, int64_t num_classes) {
  GzFile images(images_path);
  const uint32_t image_magic = images.read_u32("the header");
  LDARTS_CHECK(image_magic == 0x00000803, images_path, ": not an idx image file (magic 0x", std::hex,
               image_magic, ", expected 0x00000803)");
  const uint32_t n = images.read_u32("the header");
  const uint32_t rows = images.read_u32("the header");
  const uint32_t cols = images.read_u32("the header");
  LDARTS_CHECK(rows > 0 && cols > 0 && rows <= 4096 && cols <= 4096, images_path,
               ": implausible image size ", rows, "x", cols);

  GzFile labels(labels_path);
  const uint32_t label_magic = labels.read_u32("the header");
  LDARTS_CHECK(label_magic == 0x00000801, labels_path, ": not an idx label file (magic 0x", std::hex,
               label_magic, ", expected 0x00000801)");
  const uint32_t label_count = labels.read_u32("the header");
  LDARTS_CHECK(label_count == n, labels_path, " holds ", label_count, " labels but ", images_path,
               " holds ", n, " images");

  ImageSet set;
  const std::vector<unsigned char> pixels = images.read_bytes(size_t(n) * rows * cols, "the pixels");
  LDARTS_CHECK(images.at_end(), images_path, ": trailing bytes after ", n, " images");
  set.images = at::empty({int64_t(n), 1, int64_t(rows), int64_t(cols)}, at::kByte);
  std::memcpy(set.images.data_ptr(), pixels.data(), pixels.size());
  const std::vector<unsigned char> raw = labels.read_bytes(n, "the labels");
  const uint8_t* l = raw.data();
  for (uint32_t i = 0; i < n; ++i)
    LDARTS_CHECK(l[i] < num_classes, labels_path, ": label ", int(l[i]), " of item ", i,
                 " is out of range [0, ", num_classes, ")");
  set.labels = at::tensor(std::vector<int64_t>(raw.begin(), raw.end()), at::kLong);
  set.num_classes = num_classes;
  set.source = images_path;
  return set;
}

}  // namespace ldarts
