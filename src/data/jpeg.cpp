#include "ldarts/data/jpeg.h"

#include <turbojpeg.h>

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {
namespace {

// A damaged header can claim up to 65535×65535 pixels (12 GB of RGB). Far above
// any photograph of a data set (ImageNet's largest are a few tens of megapixels).
constexpr int64_t kMaxPixels = int64_t(1) << 28;

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
  if (bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G')
    fail(name, ": a PNG file with a JPEG name (not decoded; --skip-bad-images leaves it out)");
  LDARTS_CHECK(!bytes.empty() && tjDecompressHeader3(t.h, bytes.data(), bytes.size(), &w, &h, &subsampling,
                                                     &colorspace) == 0,
               name, ": not a readable JPEG (", bytes.empty() ? "empty file" : tjGetErrorStr2(t.h), ")");
  LDARTS_CHECK(int64_t(w) * h <= kMaxPixels, name, ": a JPEG of ", w, "x", h,
               " pixels (more than 2^28; a damaged header?)");
  return {w, h, colorspace == TJCS_CMYK || colorspace == TJCS_YCCK};
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
  // CMYK / YCCK files (a few dozen in ImageNet) are decoded to CMYK and converted.
  at::Tensor hwc = at::empty({h, w, header.cmyk ? 4 : 3}, at::kByte);
  const int status = tjDecompress2(t.h, bytes.data(), bytes.size(), hwc.data_ptr<uint8_t>(), w, 0, h,
                                   header.cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_LIMITSCANS);
  // Warnings (e.g. extraneous bytes, which libjpeg recovers from) are fine; a truncated file is an error.
  // TJFLAG_LIMITSCANS: a damaged progressive file with thousands of scans is an error, not minutes of decoding.
  const bool truncated = status != 0 && std::string(tjGetErrorStr2(t.h)).find("Premature end") != std::string::npos;
  LDARTS_CHECK(status == 0 || (tjGetErrorCode(t.h) == TJERR_WARNING && !truncated), name, ": JPEG decoding failed (",
               tjGetErrorStr2(t.h), ")");
  if (header.cmyk) {  // R = (255 − C)(255 − K)/255, ...
    const at::Tensor f = hwc.to(at::kFloat);
    const at::Tensor k = 255 - f.select(2, 3);
    hwc = ((255 - f.narrow(2, 0, 3)) * k.unsqueeze(2) / 255).round().clamp(0, 255).to(at::kByte);
  }
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
