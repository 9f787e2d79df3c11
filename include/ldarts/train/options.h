// Everything an evaluation-training run is configured by (`ldarts train`),
// filled from TOML/CLI in cli/train.cpp.
#pragma once

#include <cstdint>
#include <string>

namespace ldarts {

struct TrainOptions {
  // model
  std::string genotype;          // genotype.json, NB201 string or Genotype(...) text, inline or a file
  std::string network = "auto";  // auto | cifar | imagenet | nb201 (auto: nb201 for NB201 genotypes, imagenet for ImageNet)
  int64_t channels = 36;         // C
  int64_t layers = 20;           // L (NB201: cells per stage N)
  bool auxiliary = true;         // auxiliary head (DARTS family)
  double auxiliary_weight = 0.4;
  double drop_path = 0.2;        // ramped linearly from 0 over the epochs

  // data
  std::string dataset = "cifar10";
  std::string data_dir;
  double valid_portion = 0.1;  // held out of the training set for validation (0: none)
  int64_t batch_size = 96;     // global batch (all ranks together)
  std::string tail = "drop";   // the last incomplete global batch of an epoch: drop | pad (with the epoch's first images)
  bool augment = true;         // crop + flip
  int64_t cutout = 16;         // cutout length (0: off)
  bool color_jitter = true;    // JPEG trees (ImageNet): colour jitter 0.4/0.4/0.4/0.2 on training images
  int loader_threads = -1;  // threads building batches ahead of the step (0: on the main thread; -1: 0 for in-memory data, 4 for JPEG trees)
  bool skip_bad_images = false;  // JPEG trees: log and leave out unreadable images

  // schedule and optimizer
  int epochs = 600;
  int64_t max_steps = 0, eval_steps = 0;  // caps per epoch (0: all)
  double lr = 0.025, lr_min = 0.0, momentum = 0.9, weight_decay = 3e-4;
  bool nesterov = false;
  std::string lr_schedule = "cosine";  // cosine | linear
  int warmup_epochs = 0;
  double grad_clip = 5.0;  // 0: off
  double label_smoothing = 0.0;

  // device and distribution
  std::string device = "cpu", backend = "auto";
  bool sync_bn = false;        // BN statistics over all ranks
  bool bf16 = false;           // bf16 autocast
  bool channels_last = false;  // NHWC memory format

  // run
  uint64_t seed = 0;
  int threads = 0;
  std::string out = "runs/train";
  int log_every = 0;
  bool test = true;  // evaluate the test set once at the end (never used to pick weights)

  // checkpoints
  std::string resume;
  bool force = false;  // a fresh run moves another run's `out` aside (RunFolder::claim)
  int64_t checkpoint_every = 0;
  int keep_checkpoints = 3;
};

}  // namespace ldarts
