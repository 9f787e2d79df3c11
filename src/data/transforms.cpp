#include "ldarts/data/transforms.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace ldarts {

CropBox random_resized_crop_box(int64_t h, int64_t w, Rng& rng, double scale_min, double scale_max,
                                double ratio_min, double ratio_max) {
  const double area = double(h) * double(w);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * (scale_min + (scale_max - scale_min) * rng.uniform());
    const double log_ratio = std::log(ratio_min) + (std::log(ratio_max) - std::log(ratio_min)) * rng.uniform();
    const double aspect = std::exp(log_ratio);
    const int64_t cw = std::llround(std::sqrt(target * aspect)), ch = std::llround(std::sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h)
      return {int64_t(rng.below(h - ch + 1)), int64_t(rng.below(w - cw + 1)), ch, cw};
  }
  const double ratio = double(w) / double(h);
  int64_t cw = w, ch = h;
  if (ratio < ratio_min) ch = std::min<int64_t>(h, std::llround(w / ratio_min));
  else if (ratio > ratio_max) cw = std::min<int64_t>(w, std::llround(h * ratio_max));
  return {(h - ch) / 2, (w - cw) / 2, ch, cw};
}

at::Tensor resize(const at::Tensor& image, int64_t height, int64_t width) {
  if (image.size(1) == height && image.size(2) == width) return image;
  return at::upsample_bilinear2d(image.unsqueeze(0), {height, width}, false).squeeze(0);
}

at::Tensor resize_shorter_side(const at::Tensor& image, int64_t size) {
  const int64_t h = image.size(1), w = image.size(2);
  if (h <= w) return resize(image, size, std::max<int64_t>(1, std::llround(double(w) * size / h)));
  return resize(image, std::max<int64_t>(1, std::llround(double(h) * size / w)), size);
}

at::Tensor center_crop(const at::Tensor& image, int64_t size) {
  const int64_t h = image.size(1), w = image.size(2);
  const int64_t ch = std::min(size, h), cw = std::min(size, w);
  return image.narrow(1, (h - ch) / 2, ch).narrow(2, (w - cw) / 2, cw);
}

namespace {
at::Tensor gray(const at::Tensor& rgb) { return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]).unsqueeze(0); }
}  // namespace

void color_jitter_(at::Tensor& image, double brightness, double contrast, double saturation, double hue, Rng& rng) {
  const double b = 1 + brightness * (2 * rng.uniform() - 1);
  const double c = 1 + contrast * (2 * rng.uniform() - 1);
  const double s = 1 + saturation * (2 * rng.uniform() - 1);
  const double hshift = hue * (2 * rng.uniform() - 1);
  std::array<int, 4> order{0, 1, 2, 3};
  for (int i = 3; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  const bool rgb = image.size(0) == 3;
  for (int t : order) {
    if (t == 0 && brightness > 0) {
      image.mul_(b);
    } else if (t == 1 && contrast > 0) {
      const double mean = (rgb ? gray(image) : image).mean().item<double>();
      image.sub_(mean).mul_(c).add_(mean);
    } else if (t == 2 && saturation > 0 && rgb) {
      const at::Tensor g = gray(image);
      image.sub_(g).mul_(s).add_(g);
    } else if (t == 3 && hue > 0 && rgb) {
      const at::Tensor y = gray(image);
      const at::Tensor i = 0.596 * image[0] - 0.274 * image[1] - 0.322 * image[2];
      const at::Tensor q = 0.211 * image[0] - 0.523 * image[1] + 0.312 * image[2];
      const double cos_t = std::cos(2 * M_PI * hshift), sin_t = std::sin(2 * M_PI * hshift);
      const at::Tensor i2 = cos_t * i - sin_t * q, q2 = sin_t * i + cos_t * q;
      image[0].copy_(y[0] + 0.956 * i2 + 0.621 * q2);
      image[1].copy_(y[0] - 0.272 * i2 - 0.647 * q2);
      image[2].copy_(y[0] - 1.106 * i2 + 1.703 * q2);
    }
    image.clamp_(0.0, 1.0);
  }
}

}  // namespace ldarts
