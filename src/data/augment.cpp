#include "ldarts/data/augment.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>

#include "ldarts/core/error.h"
#include "ldarts/core/rng.h"

namespace ldarts {

Batch make_batch(const ImageSet& set, const std::vector<int64_t>& indices, const Normalization& norm,
                 const AugmentOptions& augment, uint64_t seed) {
  const int64_t channels = set.images.size(1);
  LDARTS_CHECK(static_cast<int64_t>(norm.mean.size()) == channels && norm.std.size() == norm.mean.size(),
               "normalization has ", norm.mean.size(), " channels, ", set.source, " has ", channels);
  const at::Tensor index = at::tensor(indices, at::kLong);
  at::Tensor images = set.images.index_select(0, index).to(at::kFloat).div_(255.0);
  std::vector<std::array<int64_t, 5>> holes;  // cutout boxes (image, y0, y1, x0, x1), applied after normalization
  if (augment.enabled) {
    const int64_t h = images.size(2), w = images.size(3), p = augment.pad;
    const at::Tensor padded = p > 0 ? at::constant_pad_nd(images, {p, p, p, p}, 0.0) : images;
    for (int64_t i = 0; i < images.size(0); ++i) {
      Rng rng(derive_seed(seed, {static_cast<uint64_t>(indices[i])}));
      const int64_t top = p > 0 ? rng.below(2 * p + 1) : 0;
      const int64_t left = p > 0 ? rng.below(2 * p + 1) : 0;
      at::Tensor crop = padded[i].narrow(1, top, h).narrow(2, left, w);
      if (augment.flip && rng.below(2) == 1) crop = crop.flip({2});
      images[i].copy_(crop);
      // (DARTS' Cutout(length, prob) of the search scripts: a Bernoulli draw first.)
      if (augment.cutout > 0 && (augment.cutout_prob >= 1.0 || rng.uniform() < augment.cutout_prob)) {
        const int64_t cy = rng.below(h), cx = rng.below(w), half = augment.cutout / 2;
        holes.push_back({i, std::max<int64_t>(0, cy - half), std::min(h, cy + half), std::max<int64_t>(0, cx - half),
                         std::min(w, cx + half)});
      }
    }
  }
  const auto stats = [&](const std::vector<float>& v) { return at::tensor(v).view({1, channels, 1, 1}); };
  images.sub_(stats(norm.mean)).div_(stats(norm.std));
  for (const auto& [i, y0, y1, x0, x1] : holes) images[i].narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).zero_();
  return {images, set.labels.index_select(0, index)};
}

}  // namespace ldarts
