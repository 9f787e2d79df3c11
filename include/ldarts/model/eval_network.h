// Evaluation networks, trained from scratch on a derived genotype:
//  - CIFAR form: stem Conv3×3(3C)+BN; L cells, reductions at L/3 and 2L/3;
//    auxiliary head after cell 2L/3; global average pool, linear.
//  - ImageNet form: stem0 Conv3×3/2(C/2)+BN+ReLU+Conv3×3/2(C)+BN, stem1
//    ReLU+Conv3×3/2(C)+BN (224 → 28); L cells (14 in the preset); auxiliary
//    head for 14×14 maps; global average pool, linear.
//  - NB201: the NB201 network with the fixed cell (affine BN, running stats).
// Every BN is affine with running statistics (SyncBN through BatchNorm).
#pragma once

#include <memory>
#include <string>

#include <torch/nn/module.h>

#include "ldarts/search/genotype_input.h"

namespace ldarts {

struct EvalOutput {
  torch::Tensor logits;
  torch::Tensor aux_logits;  // defined in training mode with an auxiliary head
};

class EvalModelImpl : public torch::nn::Module {
 public:
  virtual EvalOutput forward(const torch::Tensor& x) = 0;
  // Drop-path probability of the cells' ops (DARTS family; ignored by NB201).
  virtual void set_drop_path(double p) { (void)p; }
  // Parameters outside the auxiliary head (what papers report).
  int64_t parameters_without_aux();
};
using EvalModel = std::shared_ptr<EvalModelImpl>;

struct EvalNetworkOptions {
  std::string form = "cifar";  // cifar | imagenet | nb201
  int64_t channels = 36;       // C
  int64_t layers = 20;         // L (DARTS family); NB201: cells per stage N
  int64_t in_channels = 3;
  int64_t num_classes = 10;
  bool auxiliary = true;
};

// The network of `genotype` in `options.form` (nb201 needs an NB201 genotype, the others a DARTS one).
EvalModel make_eval_network(const AnyGenotype& genotype, const EvalNetworkOptions& options);

// Multiply-adds of one forward pass of a 1×C×size×size input in eval mode
// (convolutions and linear layers, the count DARTS-family papers report).
int64_t count_macs(EvalModelImpl& model, int64_t in_channels, int64_t image_size);

}  // namespace ldarts
