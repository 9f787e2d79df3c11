#include "ldarts/search/alignment.h"

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {

// Mean of the strictly upper triangle of a square matrix: the mean over pairs ℓ<ℓ'.
static at::Tensor mean_over_pairs(const at::Tensor& pairwise) {
  const int64_t cells = pairwise.size(0);
  LDARTS_CHECK(cells >= 2, "layer alignment needs at least 2 cells, got ", cells);
  return at::triu(pairwise, 1).sum() / (cells * (cells - 1) / 2.0);
}

at::Tensor alignment(const at::Tensor& g) {
  // Tiny floor keeps an all-zero row (a cell that got no gradient) finite.
  const at::Tensor unit = g / g.norm(2, {1}, true).clamp_min(1e-30);
  return mean_over_pairs(at::mm(unit, unit.t()));
}

at::Tensor sign_alignment(const at::Tensor& g) {
  const at::Tensor magnitude = g.abs();
  return mean_over_pairs(at::mm(g, g.t()) / at::mm(magnitude, magnitude.t()).clamp_min(1e-30));
}

}  // namespace ldarts
