// SVHN in its published MATLAB files (train_32x32.mat, test_32x32.mat,
// extra_32x32.mat): MAT v5, X uint8 [32, 32, 3, N] (column-major), y [N, 1]
// with labels 1..10, where 10 stands for the digit 0.
//
// Read here, not with matio: matio allocates whatever a damaged file's sizes
// say (108 GB for a 2 KB file in tests/fuzz/) and trusts the file's element
// sizes. This reader takes only what SVHN needs — little-endian MAT v5,
// numeric real arrays, plain or zlib-compressed — and checks every size
// against the bytes that are there.
#include <zlib.h>

#include <cstring>

#include <ATen/ATen.h>

#include "ldarts/core/bytes.h"
#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/data/dataset.h"

namespace ldarts {
namespace {

// MAT v5 data types (a tag's first word) and the two array classes SVHN uses.
enum : uint32_t {
  miINT8 = 1, miUINT8, miINT16, miUINT16, miINT32, miUINT32, miSINGLE, miDOUBLE = 9,
  miINT64 = 12, miUINT64, miMATRIX, miCOMPRESSED
};
constexpr uint32_t kDoubleClass = 6, kUint8Class = 9;
constexpr uint32_t kComplexFlag = 0x800;

size_t type_size(uint32_t type) {
  switch (type) {
    case miINT8: case miUINT8: return 1;
    case miINT16: case miUINT16: return 2;
    case miINT32: case miUINT32: case miSINGLE: return 4;
    case miDOUBLE: case miINT64: case miUINT64: return 8;
    default: return 0;
  }
}

// One data element: its type and its bytes (inside the buffer it was read from).
struct Element {
  uint32_t type = 0;
  const unsigned char* bytes = nullptr;
  size_t size = 0;
};

uint32_t u32(const unsigned char* p) { return uint32_t(read_little_endian(p, 4)); }  // the file is "IM": little-endian

// Reads elements from a byte range; any size that runs past its end is an error naming the file.
class Elements {
 public:
  Elements(const unsigned char* data, size_t size, const std::string& path) : data_(data), size_(size), path_(path) {}
  bool done() const { return pos_ >= size_; }
  // `padded`: elements inside an array are padded to 8 bytes; top-level ones are not.
  Element next(bool padded) {
    need(8);
    const uint32_t first = u32(data_ + pos_);
    Element e;
    if (first >> 16) {  // the small format: [bytes:16 | type:16], then up to 4 data bytes
      e = {first & 0xFFFF, data_ + pos_ + 4, first >> 16};
      LDARTS_CHECK(e.size <= 4, path_, ": damaged MATLAB file (a small element of ", e.size, " bytes)");
      pos_ += 8;
      return e;
    }
    e = {first, data_ + pos_ + 8, u32(data_ + pos_ + 4)};
    pos_ += 8;
    need(e.size);
    pos_ += e.size;
    if (padded) pos_ += std::min<size_t>(size_ - pos_, (8 - e.size % 8) % 8);
    return e;
  }

 private:
  void need(size_t n) const {
    LDARTS_CHECK(n <= size_ - pos_, path_, ": truncated or damaged MATLAB file (an element of ", n,
                 " bytes at byte ", pos_, " runs past the end)");
  }
  const unsigned char* data_;
  size_t size_, pos_ = 0;
  const std::string& path_;
};

// The zlib stream of an miCOMPRESSED element, inflated. An element holds at most
// 2^32 + 8 bytes (its tag and a 32-bit size), and image data does not compress
// 64-fold (SVHN's own files: about 1.2-fold), which bounds the output: a small
// crafted file cannot make the reader allocate gigabytes.
std::vector<unsigned char> inflate_element(const Element& e, const std::string& path) {
  const size_t kMax = std::min((size_t(1) << 32) + 8, std::max<size_t>(size_t(1) << 20, 64 * size_t(e.size)));
  std::vector<unsigned char> out(std::min(kMax, std::max<size_t>(4096, 4 * size_t(e.size))));
  z_stream z{};
  LDARTS_CHECK(inflateInit(&z) == Z_OK, path, ": zlib could not be initialized");
  z.next_in = const_cast<unsigned char*>(e.bytes);
  z.avail_in = static_cast<uInt>(e.size);
  int status = Z_OK;
  while (status == Z_OK) {
    if (z.total_out == out.size() && out.size() >= kMax) {
      inflateEnd(&z);
      fail(path, ": a compressed variable inflates to more than ", kMax, " bytes, 64 times its ", e.size,
           " (a damaged or crafted file, not SVHN)");
    }
    if (z.total_out == out.size()) out.resize(std::min(kMax, 2 * out.size()));
    z.next_out = out.data() + z.total_out;
    z.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - z.total_out, 1u << 30));
    status = z.avail_out == 0 ? Z_BUF_ERROR : inflate(&z, Z_NO_FLUSH);
  }
  const size_t produced = z.total_out;
  inflateEnd(&z);
  LDARTS_CHECK(status == Z_STREAM_END, path, ": damaged MATLAB file (a compressed variable does not inflate: ",
               z.msg ? z.msg : "truncated", ")");
  out.resize(produced);
  return out;
}

// A numeric real array of a MAT v5 file.
struct Array {
  std::string name;
  uint32_t class_type = 0;
  std::vector<size_t> dims;
  Element real;  // the values, real.size / type_size(real.type) of them
};

Array parse_array(const Element& matrix, const std::string& path) {
  Elements in(matrix.bytes, matrix.size, path);
  Array a;
  const Element flags = in.next(true), dims = in.next(true), name = in.next(true);
  LDARTS_CHECK(flags.type == miUINT32 && flags.size == 8 && dims.type == miINT32 && dims.size >= 8 &&
                   dims.size % 4 == 0 && name.type == miINT8,
               path, ": damaged MATLAB file (a variable without array flags, dimensions and name)");
  a.class_type = u32(flags.bytes) & 0xFF;
  a.name.assign(reinterpret_cast<const char*>(name.bytes), name.size);
  if (a.class_type < kDoubleClass || a.class_type > 15) return a;  // cell, struct, char, sparse: not for us
  LDARTS_CHECK(!(u32(flags.bytes) & kComplexFlag), path, ": variable ", a.name, " is complex");
  size_t count = 1;
  for (size_t k = 0; k < dims.size; k += 4) {
    const auto d = static_cast<int32_t>(u32(dims.bytes + k));
    LDARTS_CHECK(d >= 0, path, ": variable ", a.name, " has a negative dimension");
    a.dims.push_back(size_t(d));
    count *= size_t(d);  // at most 2^32 · 2^31: no overflow before the check
    LDARTS_CHECK(count <= (size_t(1) << 32), path, ": variable ", a.name, " is larger than a MAT v5 file holds");
  }
  a.real = in.next(true);
  LDARTS_CHECK(type_size(a.real.type) > 0 && a.real.size == count * type_size(a.real.type), path, ": variable ",
               a.name, " has ", a.real.size, " bytes of data of type ", a.real.type, " for ", count, " values");
  return a;
}

// The values of a numeric array as doubles (MATLAB may store a double array as smaller integers).
std::vector<double> doubles_of(const Element& e) {
  const size_t n = e.size / type_size(e.type);
  std::vector<double> out(n);
  auto convert = [&](auto zero) {
    for (size_t i = 0; i < n; ++i) {
      decltype(zero) v;
      std::memcpy(&v, e.bytes + i * sizeof v, sizeof v);
      out[i] = static_cast<double>(v);
    }
  };
  switch (e.type) {
    case miINT8: convert(int8_t()); break;
    case miUINT8: convert(uint8_t()); break;
    case miINT16: convert(int16_t()); break;
    case miUINT16: convert(uint16_t()); break;
    case miINT32: convert(int32_t()); break;
    case miUINT32: convert(uint32_t()); break;
    case miSINGLE: convert(float()); break;
    case miDOUBLE: convert(double()); break;
    case miINT64: convert(int64_t()); break;
    default: convert(uint64_t()); break;
  }
  return out;
}

}  // namespace

ImageSet read_svhn_mat(const std::string& path) {
  LDARTS_CHECK(file_exists(path), path, ": no such file (SVHN needs train_32x32.mat and test_32x32.mat from "
               "http://ufldl.stanford.edu/housenumbers/ in --data-dir)");
  const std::vector<unsigned char> file = read_file_bytes(path);
  LDARTS_CHECK(file.size() >= 128 && file[124] == 0x00 && file[125] == 0x01 && file[126] == 'I' && file[127] == 'M',
               path, ": not a MATLAB file (wrong magic or truncated header; SVHN's files are MAT v5, little-endian)");
  std::vector<std::vector<unsigned char>> inflated;  // owns the bytes of compressed variables
  Array x, y;
  for (Elements top(file.data() + 128, file.size() - 128, path); !top.done();) {
    Element e = top.next(false);
    if (e.type == miCOMPRESSED) {
      inflated.push_back(inflate_element(e, path));
      e = Elements(inflated.back().data(), inflated.back().size(), path).next(false);
    }
    if (e.type != miMATRIX) continue;
    Array a = parse_array(e, path);
    if (a.name == "X") x = a;
    if (a.name == "y") y = a;
  }
  LDARTS_CHECK(!x.name.empty() && !y.name.empty(), path, ": no variables X and y (truncated, or not an SVHN file)");
  LDARTS_CHECK(x.class_type == kUint8Class && x.real.type == miUINT8 && x.dims.size() == 4 && x.dims[2] == 3, path,
               ": X must be uint8 [H, W, 3, N], got rank ", x.dims.size(), " class ", x.class_type);
  const int64_t h = x.dims[0], w = x.dims[1], n = x.dims[3];
  LDARTS_CHECK((y.class_type == kDoubleClass || y.class_type == kUint8Class) && y.dims.size() == 2 &&
                   int64_t(y.dims[0] * y.dims[1]) == n,
               path, ": y must be double or uint8 [N, 1] with one label per image (", n, " images)");
  // Column-major [H, W, 3, N] is row-major [N, 3, W, H]; clone(): a copy even where the transpose is contiguous.
  const at::Tensor images = at::from_blob(const_cast<unsigned char*>(x.real.bytes), {n, 3, w, h}, at::kByte)
                                .transpose(2, 3)
                                .clone(at::MemoryFormat::Contiguous);
  std::vector<double> raw = doubles_of(y.real);
  at::Tensor labels = at::from_blob(raw.data(), {n}, at::kDouble);
  // Checked before the conversion to integers (a NaN or 1e300 has no integer value).
  LDARTS_CHECK(((labels >= 1) & (labels <= 10)).all().item<bool>(), path, ": label out of range (",
               labels.min().item<double>(), "..", labels.max().item<double>(), "; SVHN labels are 1..10)");
  labels = labels.to(at::kLong).remainder(10);  // 10 is the digit 0
  return ImageSet{images, labels, 10, path};
}

}  // namespace ldarts
