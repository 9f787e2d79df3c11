// JPEG decoding and encoding through libjpeg-turbo's TurboJPEG API. Decoding
// can scale in the DCT domain (factors 1/8 … 2), which costs a fraction of a
// full decode and a resize when the image is much larger than what is needed.
#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ldarts {

struct JpegHeader {
  int width = 0, height = 0;
  bool cmyk = false;  // CMYK or YCCK colour space (converted to RGB when decoded)
};

// Reads the header only; an Error naming `name` when it is not a JPEG.
JpegHeader read_jpeg_header(const std::vector<unsigned char>& bytes, const std::string& name);

// Decodes to uint8 RGB [3, H, W], at the smallest DCT scale factor that keeps
// the image at least `min_scale` times its size (1.0: full size).
at::Tensor decode_jpeg(const std::vector<unsigned char>& bytes, const std::string& name, double min_scale = 1.0);

// Encodes uint8 [3, H, W] (tests and benchmarks write their JPEGs with it).
std::vector<unsigned char> encode_jpeg(const at::Tensor& image, int quality = 90);

}  // namespace ldarts
