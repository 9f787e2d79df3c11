#include "ldarts/data/jpeg.h"

#include <turbojpeg.h>

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

struct Handle {
  tjhandle h;
  explicit Handle(bool decompress) : h(decompress ? tjInitDecompress() : tjInitCompress()) {
    LDARTS_CHECK(h != nullptr, "TurboJPEG could not be initialized");
  }
  ~Handle() { tjDestroy(h); }
};

}  // namespace

JpegHeader read_jpeg_header(const std::vector<unsigned char>& bytes, const std::string& name) {
  Handle t(true);
  int w = 0, h = 0, subsampling = 0, colorspace = 0;
  LDARTS_CHECK(!bytes.empty() && tjDecompressHeader3(t.h, bytes.data(), bytes.size(), &w, &h, &subsampling,
                                                     &colorspace) == 0,
               name, ": not a readable JPEG (", bytes.empty() ? "empty file" : tjGetErrorStr2(t.h), ")");
  return {w, h};
}

at::Tensor decode_jpeg(const std::vector<unsigned char>& bytes, const std::string& name, double min_scale) {
  const JpegHeader header = read_jpeg_header(bytes, name);
  Handle t(true);
  int factors = 0;
  const tjscalingfactor* scales = tjGetScalingFactors(&factors);
  // The smallest factor that is still >= min_scale (1/1 is always among them).
  tjscalingfactor best{1, 1};
  for (int i = 0; i < factors; ++i) {
    const double f = double(scales[i].num) / scales[i].denom;
    if (f >= min_scale && f < double(best.num) / best.denom) best = scales[i];
  }
  const int w = TJSCALED(header.width, best), h = TJSCALED(header.height, best);
  at::Tensor hwc = at::empty({h, w, 3}, at::kByte);
  const int status = tjDecompress2(t.h, bytes.data(), bytes.size(), hwc.data_ptr<uint8_t>(), w, 0, h, TJPF_RGB, 0);
  // A warning (e.g. premature end of data in a truncated file) is an error for us: the pixels are incomplete.
  LDARTS_CHECK(status == 0, name, ": JPEG decoding failed (", tjGetErrorStr2(t.h), ")");
  return hwc.permute({2, 0, 1}).contiguous();
}

std::vector<unsigned char> encode_jpeg(const at::Tensor& image, int quality) {
  LDARTS_CHECK(image.dim() == 3 && image.size(0) == 3 && image.scalar_type() == at::kByte,
               "encode_jpeg needs uint8 [3, H, W]");
  const at::Tensor hwc = image.permute({1, 2, 0}).contiguous();
  Handle t(false);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(t.h, hwc.data_ptr<uint8_t>(), int(image.size(2)), 0, int(image.size(1)), TJPF_RGB,
                                 &out, &size, TJSAMP_420, quality, 0);
  LDARTS_CHECK(status == 0, "JPEG encoding failed (", tjGetErrorStr2(t.h), ")");
  std::vector<unsigned char> bytes(out, out + size);
  tjFree(out);
  return bytes;
}

}  // namespace ldarts
