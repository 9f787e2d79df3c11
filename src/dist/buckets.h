// Bucketing shared by the MPI and NCCL communicators (private to src/dist/).
#pragma once

#include <functional>
#include <vector>

#include <ATen/core/Tensor.h>

namespace ldarts {

// Groups `tensors` by dtype, copies each group into one flat contiguous buffer
// on `device`, runs `collective` on it, and copies the result back into the
// tensors (wherever they live).
void for_each_bucket(std::vector<at::Tensor>& tensors, at::Device device,
                     const std::function<void(at::Tensor& flat)>& collective);

}  // namespace ldarts
