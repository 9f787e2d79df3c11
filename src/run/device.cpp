#include "ldarts/run/device.h"

#include <torch/cuda.h>

#include "ldarts/core/error.h"

namespace ldarts {

c10::Device resolve_device(const std::string& name) {
  if (name == "cpu") return c10::kCPU;
  if (name == "cuda" || (name == "auto" && torch::cuda::is_available())) {
    LDARTS_CHECK(torch::cuda::is_available(), "--device cuda but no CUDA device is available");
    return c10::kCUDA;
  }
  LDARTS_CHECK(name == "auto", "--device must be auto, cpu or cuda, got '", name, "'");
  return c10::kCPU;
}

}  // namespace ldarts
