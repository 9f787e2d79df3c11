// A module's parameters and buffers and an SGD optimizer's momentum in a
// Checkpoint, shared by the search and the evaluation training. Loading checks
// every name and shape and says which option probably differs.
#pragma once

#include <map>
#include <string>

#include <torch/nn/module.h>
#include <torch/optim/sgd.h>

#include "ldarts/dist/communicator.h"
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

// The default generators of every rank, gathered ([world, state bytes] each):
// "rng/torch_cpu", and "rng/torch_cuda" when `device` is a CUDA device (drop
// path and noise draw there). A collective: every rank calls it.
std::map<std::string, at::Tensor> gather_rng_states(Communicator& comm, const torch::Device& device);
// Sets this rank's generators from a checkpoint's gathered states; a checkpoint of R
// ranks resumed on another number of ranks gives rank r the state of rank r mod R.
void restore_rng_states(const Checkpoint& checkpoint, int rank, const torch::Device& device);

}  // namespace ldarts
