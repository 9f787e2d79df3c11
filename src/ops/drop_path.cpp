#include "ldarts/ops/drop_path.h"

#include <ATen/ATen.h>

namespace ldarts {

at::Tensor drop_path(const at::Tensor& x, double drop_prob, bool training) {
  if (!training || drop_prob <= 0) return x;
  const double keep = 1.0 - drop_prob;
  const at::Tensor mask = at::empty({x.size(0), 1, 1, 1}, x.options()).bernoulli_(keep);
  return x * mask / keep;
}

}  // namespace ldarts
