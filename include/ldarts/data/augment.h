// Turning uint8 images into a normalized float batch, with the CIFAR-style
// augmentation (random crop with zero padding, horizontal flip).
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/data/dataset.h"

namespace ldarts {

class Rng;

struct AugmentOptions {
  bool enabled = true;
  int64_t pad = 4;   // random crop of the original size from the zero-padded image
  bool flip = true;  // horizontal flip with probability 1/2
};

struct Batch {
  at::Tensor images;  // float [B, C, H, W], normalized
  at::Tensor labels;  // int64 [B]
};

// Gathers `indices` of `set` into a batch; augmentation draws from `rng` in
// index order, so the result depends only on the rng's seed.
Batch make_batch(const ImageSet& set, const std::vector<int64_t>& indices, const Normalization& norm,
                 const AugmentOptions& augment, Rng& rng);

}  // namespace ldarts
