// The device of a run: --device auto (CUDA when available), cpu or cuda.
#pragma once

#include <string>

#include <c10/core/Device.h>

namespace ldarts {

// A user error names --device for anything else, or for cuda without a CUDA device.
c10::Device resolve_device(const std::string& name);

}  // namespace ldarts
