#include "buckets.h"

#include <algorithm>

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

namespace ldarts {

void for_each_bucket(std::vector<at::Tensor>& tensors, at::Device device,
                     const std::function<void(at::Tensor& flat)>& collective) {
  std::vector<at::ScalarType> types;
  for (const auto& t : tensors)
    if (std::find(types.begin(), types.end(), t.scalar_type()) == types.end()) types.push_back(t.scalar_type());
  at::NoGradGuard no_grad;
  for (at::ScalarType type : types) {
    std::vector<at::Tensor> members, parts;
    for (const auto& t : tensors)
      if (t.scalar_type() == type) members.push_back(t), parts.push_back(t.reshape({-1}).to(device));
    at::Tensor flat = at::cat(parts).contiguous();
    collective(flat);
    int64_t offset = 0;
    for (auto& t : members) {
      t.copy_(flat.narrow(0, offset, t.numel()).view_as(t));
      offset += t.numel();
    }
  }
}

}  // namespace ldarts
