// Drop path (FractalNet, as DARTS' evaluation uses it): in training, each
// sample's op output is zeroed with probability p and the rest scaled by
// 1/(1-p), so the expectation is unchanged; the identity in eval mode.
#pragma once

#include <ATen/core/Tensor.h>

namespace ldarts {

at::Tensor drop_path(const at::Tensor& x, double drop_prob, bool training);

}  // namespace ldarts
