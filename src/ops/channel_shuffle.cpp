#include "ldarts/ops/channel_shuffle.h"

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {

at::Tensor shuffle_channels(const at::Tensor& x, int64_t groups) {
  LDARTS_CHECK(x.dim() == 4 && groups > 0 && x.size(1) % groups == 0, "shuffle_channels: ", x.size(1),
               " channels do not split into ", groups, " groups");
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({n, groups, c / groups, h, w}).transpose(1, 2).contiguous().view({n, c, h, w});
}

}  // namespace ldarts
