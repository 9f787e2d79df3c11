// Image transforms of the ImageNet pipelines on the CPU (docs/method.md §7):
// RandomResizedCrop (scale 0.08–1, ratio 3/4–4/3), horizontal flip, colour
// jitter (brightness, contrast, saturation, hue), resize of the shorter side +
// centre crop. Images are float [C, H, W] in [0, 1] unless said otherwise; all
// randomness comes from the Rng passed in.
#pragma once

#include <ATen/core/Tensor.h>

#include "ldarts/core/rng.h"

namespace ldarts {

struct CropBox {
  int64_t top, left, height, width;
};

// torchvision's RandomResizedCrop parameters: 10 tries of a random area and
// log-uniform aspect ratio, else a centre crop clamped to the ratio range.
CropBox random_resized_crop_box(int64_t height, int64_t width, Rng& rng, double scale_min = 0.08,
                                double scale_max = 1.0, double ratio_min = 3.0 / 4, double ratio_max = 4.0 / 3);

// Bilinear resize (align_corners = false).
at::Tensor resize(const at::Tensor& image, int64_t height, int64_t width);
// The shorter side to `size`, the aspect ratio kept.
at::Tensor resize_shorter_side(const at::Tensor& image, int64_t size);
at::Tensor center_crop(const at::Tensor& image, int64_t size);

// Colour jitter as torchvision's ColorJitter(b, c, s, h): factors drawn
// uniformly from [1−b, 1+b], [1−c, 1+c], [1−s, 1+s] and a hue shift from
// [−h, h], applied in a random order. The hue shift is a rotation of the
// chroma plane in YIQ space (an approximation of the HSV shift). In place.
void color_jitter_(at::Tensor& image, double brightness, double contrast, double saturation, double hue, Rng& rng);

}  // namespace ldarts
