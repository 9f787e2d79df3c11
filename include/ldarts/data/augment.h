// Turning uint8 images into a normalized float batch, with the CIFAR-style
// augmentation (random crop with zero padding, horizontal flip, cutout).
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/data/dataset.h"

namespace ldarts {

struct AugmentOptions {
  bool enabled = true;
  int64_t pad = 4;   // random crop of the original size from the zero-padded image
  bool flip = true;  // horizontal flip with probability 1/2
  int64_t cutout = 0;  // cutout: a length×length square (centre uniform, clipped at the border) set to 0 after normalization
  double cutout_prob = 1.0;  // each image is cut out with this probability (below 1: one more draw per image)
};

struct Batch {
  at::Tensor images;  // float [B, C, H, W], normalized
  at::Tensor labels;  // int64 [B]
};

// Gathers `indices` of `set` into a batch. Image i is augmented with a
// generator seeded from (seed, indices[i]) alone, so an image gets the same
// crop and flip whichever rank, micro-batch or position it lands in: R ranks
// see exactly what one process accumulating R micro-batches sees.
Batch make_batch(const ImageSet& set, const std::vector<int64_t>& indices, const Normalization& norm,
                 const AugmentOptions& augment, uint64_t seed);

}  // namespace ldarts
