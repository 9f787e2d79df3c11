#include "ldarts/io/module_state.h"

#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/dist/runtime.h"

namespace ldarts {

void restore_tensor(const torch::Tensor& target, const Checkpoint& c, const std::string& key) {
  const torch::Tensor& stored = c.tensor(key);
  // 0-dim tensors (BN's num_batches_tracked) are stored with shape [1].
  const bool fits = stored.sizes() == target.sizes() || (target.dim() == 0 && stored.numel() == 1);
  LDARTS_CHECK(fits, c.source, ": '", key, "' has shape ", stored.sizes(), ", the configured network needs ",
               target.sizes(), " (was the checkpoint written with other --channels / --layers / --cells-per-stage / "
               "genotype / data set?)");
  torch::NoGradGuard no_grad;
  target.copy_(stored.view_as(target));
}

void save_module(Checkpoint& c, const torch::nn::Module& module, const std::string& prefix) {
  for (const auto& p : module.named_parameters()) c.tensors[prefix + p.key()] = p.value().detach().clone();
  for (const auto& b : module.named_buffers()) c.tensors[prefix + b.key()] = b.value().detach().clone();
}

void load_module(const Checkpoint& c, torch::nn::Module& module, const std::string& prefix) {
  for (const auto& p : module.named_parameters()) restore_tensor(p.value(), c, prefix + p.key());
  for (const auto& b : module.named_buffers()) restore_tensor(b.value(), c, prefix + b.key());
}

void save_sgd_state(Checkpoint& c, const torch::optim::SGD& sgd, const torch::nn::Module& module,
                    const std::string& prefix) {
  const auto& state = sgd.state();
  for (const auto& p : module.named_parameters()) {
    auto it = state.find(p.value().unsafeGetTensorImpl());
    if (it == state.end()) continue;
    const auto& s = static_cast<const torch::optim::SGDParamState&>(*it->second);
    if (s.momentum_buffer().defined()) c.tensors[prefix + p.key() + "/momentum_buffer"] = s.momentum_buffer().clone();
  }
}

void load_sgd_state(const Checkpoint& c, torch::optim::SGD& sgd, const torch::nn::Module& module,
                    const std::string& prefix) {
  auto& state = sgd.state();
  state.clear();
  for (const auto& p : module.named_parameters()) {
    const std::string key = prefix + p.key() + "/momentum_buffer";
    if (!c.tensors.count(key)) continue;
    auto s = std::make_unique<torch::optim::SGDParamState>();
    torch::Tensor buffer = torch::empty_like(p.value());
    restore_tensor(buffer, c, key);
    s->momentum_buffer(buffer);
    state[p.value().unsafeGetTensorImpl()] = std::move(s);
  }
}

std::map<std::string, at::Tensor> gather_rng_states(Communicator& comm, const torch::Device& device) {
  std::map<std::string, at::Tensor> out;
  out["rng/torch_cpu"] = all_gather(comm, at::detail::getDefaultCPUGenerator().get_state());
  if (device.is_cuda()) out["rng/torch_cuda"] = all_gather(comm, at::globalContext().defaultGenerator(device).get_state());
  return out;
}

void restore_rng_states(const Checkpoint& c, int rank, const torch::Device& device) {
  // Written by R ranks, resumed by R': rank r takes the state of rank r mod R.
  // [ranks, state bytes] of uint8, at least one row (a crafted file with 0 rows divided by zero).
  auto rows = [&](const std::string& key, const at::Generator& generator) -> const at::Tensor& {
    const at::Tensor& states = c.tensor(key);
    LDARTS_CHECK(states.dim() == 2 && states.size(0) >= 1 && states.scalar_type() == at::kByte &&
                     states.size(1) == generator.get_state().numel(),
                 c.source, ": ", key, " must be uint8 [ranks >= 1, ", generator.get_state().numel(),
                 "], got shape ", states.sizes(), " (a damaged or crafted checkpoint)");
    return states;
  };
  at::Generator cpu = at::detail::getDefaultCPUGenerator();
  const at::Tensor& cpu_states = rows("rng/torch_cpu", cpu);
  cpu.set_state(cpu_states[rank % cpu_states.size(0)].clone());
  if (device.is_cuda() && c.tensors.count("rng/torch_cuda")) {
    at::Generator cuda = at::globalContext().defaultGenerator(device);
    const at::Tensor& cuda_states = rows("rng/torch_cuda", cuda);
    cuda.set_state(cuda_states[rank % cuda_states.size(0)].clone());
  }
}

}  // namespace ldarts
