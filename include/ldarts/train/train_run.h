// A whole evaluation-training run: data (train part, held-out validation part,
// test set at the end), the network of a genotype, epochs of SGD steps, and the
// run folder (config.toml, metrics.csv, genotype.txt, test.json, checkpoints).
#pragma once

#include <string>
#include <vector>

#include "ldarts/dist/communicator.h"
#include "ldarts/train/options.h"

namespace ldarts {

struct TrainEpoch {
  int epoch = 0;
  double lr = 0, drop_path = 0;
  double train_loss = 0, train_top1 = 0, train_top5 = 0;
  double valid_loss = 0, valid_top1 = 0, valid_top5 = 0;
  double seconds = 0;
};

struct TrainResult {
  std::vector<TrainEpoch> epochs;
  bool tested = false;
  double test_loss = 0, test_top1 = 0, test_top5 = 0;
};

// "auto" resolved: nb201 for NB201 genotypes, imagenet for the ImageNet data set, else cifar.
std::string resolve_network(const TrainOptions& options, bool nb201_genotype);

// Prints the model of the options (parameters without / with the auxiliary
// head, multiply-adds at the data set's input size) without reading data.
void print_dry_run(const TrainOptions& options);

// Times `steps` training steps on synthetic data of the data set's shape and
// projects the wall time of `options.epochs` epochs over its training images.
void print_benchmark(const TrainOptions& options, int steps);

TrainResult run_train(const TrainOptions& options, const std::string& resolved_config, Communicator& comm);

}  // namespace ldarts
