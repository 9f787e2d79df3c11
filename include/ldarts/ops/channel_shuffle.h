// Channel shuffle (ShuffleNet, used by PC-DARTS after a partial-channel mixed
// op): [N, g·c, H, W] viewed as [N, g, c, H, W], transposed to [N, c, g, H, W].
#pragma once

#include <ATen/core/Tensor.h>

namespace ldarts {

at::Tensor shuffle_channels(const at::Tensor& x, int64_t groups);

}  // namespace ldarts
