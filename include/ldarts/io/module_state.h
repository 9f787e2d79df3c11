// A module's parameters and buffers and an SGD optimizer's momentum in a
// Checkpoint, shared by the search and the evaluation training. Loading checks
// every name and shape and says which option probably differs.
#pragma once

#include <string>

#include <torch/nn/module.h>
#include <torch/optim/sgd.h>

#include "ldarts/io/checkpoint.h"

namespace ldarts {

// Copies checkpoint tensor `key` into `target` (shapes must agree; a 0-dim
// target takes a stored [1]).
void restore_tensor(const torch::Tensor& target, const Checkpoint& checkpoint, const std::string& key);

// "<prefix><name>" for every parameter and buffer.
void save_module(Checkpoint& checkpoint, const torch::nn::Module& module, const std::string& prefix);
void load_module(const Checkpoint& checkpoint, torch::nn::Module& module, const std::string& prefix);

// "<prefix><parameter name>/momentum_buffer" for the parameters of `module` that have one.
void save_sgd_state(Checkpoint& checkpoint, const torch::optim::SGD& sgd, const torch::nn::Module& module,
                    const std::string& prefix);
void load_sgd_state(const Checkpoint& checkpoint, torch::optim::SGD& sgd, const torch::nn::Module& module,
                    const std::string& prefix);

}  // namespace ldarts
