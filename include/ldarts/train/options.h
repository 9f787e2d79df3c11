// Everything an evaluation-training run is configured by (`ldarts train`),
// filled from TOML/CLI in cli/train.cpp.
#pragma once

#include <cstdint>
#include <string>

#include "ldarts/run/driver.h"

namespace ldarts {

// RunOptions (run/driver.h): data set, batch, epochs, learning-rate schedule, device, seed,
// run folder, checkpoints; these defaults differ from the search's.
struct TrainOptions : RunOptions {
  TrainOptions() { batch_size = 96, epochs = 600, lr_min = 0.0, out = "runs/train"; }

  // model
  std::string genotype;          // genotype.json, NB201 string or Genotype(...) text, inline or a file
  std::string network = "auto";  // auto | cifar | imagenet | nb201 (auto: nb201 for NB201 genotypes, imagenet for ImageNet)
  int64_t channels = 36;         // C
  int64_t layers = 20;           // L (NB201: cells per stage N)
  bool auxiliary = true;         // auxiliary head (DARTS family)
  double auxiliary_weight = 0.4;
  double drop_path = 0.2;        // ramped linearly from 0 over the epochs

  // data
  double valid_portion = 0.1;  // held out of the training set for validation (0: none)
  std::string tail = "drop";   // the last incomplete global batch of an epoch: drop | pad (with the epoch's first images)
  bool augment = true;         // crop + flip
  int64_t cutout = 16;         // cutout length (0: off)
  bool color_jitter = true;    // JPEG trees (ImageNet): colour jitter 0.4/0.4/0.4/0.2 on training images

  // schedule and optimizer
  double momentum = 0.9, weight_decay = 3e-4;
  bool nesterov = false;
  double grad_clip = 5.0;  // 0: off
  double label_smoothing = 0.0;

  // device and distribution
  bool sync_bn = false;        // BN statistics over all ranks
  bool bf16 = false;           // bf16 autocast
  bool channels_last = false;  // NHWC memory format

  // run
  bool test = true;  // evaluate the test set once at the end (never used to pick weights)
};

}  // namespace ldarts
