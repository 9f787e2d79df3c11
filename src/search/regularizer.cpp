#include "ldarts/search/regularizer.h"

#include <ATen/ATen.h>

#include "ldarts/core/error.h"
#include "ldarts/spaces/space.h"

namespace ldarts {

std::vector<bool> regularized_cells(const SearchSpace& space, const std::vector<int>& cell_types) {
  std::vector<bool> regularized;
  // Cell type 0 of a DARTS space is the normal cell (model/darts_network.h).
  for (int type : cell_types) regularized.push_back(space.kind == CellKind::nb201 || type == 0);
  return regularized;
}

namespace {

// corr: with S = Σ_ℓ u_ℓ, Σ_{ℓ'≠ℓ} u_ℓ' = S − u_ℓ and (I − u uᵀ)(S − u) = S − u(u·S).
at::Tensor corr_directions(const at::Tensor& g, double w) {
  const at::Tensor norm = g.norm(2, {1}, true).clamp_min(1e-30);  // [cells, 1]
  const at::Tensor u = g / norm;
  const at::Tensor s = u.sum(0, true);                              // [1, d]
  return w * (s - u * (u * s).sum(1, true)) / norm;
}

// signcorr: Σ_{ℓ'≠ℓ} g_ℓ'/a_ℓℓ' − sign(g_ℓ) ⊙ Σ_{ℓ'≠ℓ} s_ℓℓ' |g_ℓ'| / a_ℓℓ'.
at::Tensor signcorr_directions(const at::Tensor& g, double w) {
  const at::Tensor magnitude = g.abs();
  const at::Tensor a = at::mm(magnitude, magnitude.t()).clamp_min(1e-30);  // [cells, cells]
  const at::Tensor off_diagonal = 1 - at::eye(g.size(0), g.options());
  const at::Tensor inv_a = off_diagonal / a;
  const at::Tensor s = at::mm(g, g.t()) / a;
  return w * (at::mm(inv_a, g) - g.sign() * at::mm(s * inv_a, magnitude));
}

}  // namespace

at::Tensor perturbations(const at::Tensor& g, RegularizerKind kind, const std::vector<bool>& regularized) {
  LDARTS_CHECK(static_cast<int64_t>(regularized.size()) == g.size(0), "regularized-cell mask has ",
               regularized.size(), " entries for ", g.size(0), " cells");
  std::vector<int64_t> rows;
  for (size_t i = 0; i < regularized.size(); ++i)
    if (regularized[i]) rows.push_back(static_cast<int64_t>(i));
  const auto n = static_cast<int64_t>(rows.size());
  LDARTS_CHECK(n >= 2, "the regularizer needs at least 2 regularized cells, got ", n);
  const at::Tensor index = at::tensor(rows, at::kLong).to(g.device());
  const at::Tensor sub = g.index_select(0, index);
  const double w = 2.0 / (n * (n - 1));  // 1 / (n choose 2)
  at::Tensor delta_sub;
  switch (kind) {
    case RegularizerKind::corr: delta_sub = corr_directions(sub, w); break;
    case RegularizerKind::signcorr: delta_sub = signcorr_directions(sub, w); break;
    case RegularizerKind::none: return at::zeros_like(g);
  }
  return at::zeros_like(g).index_copy(0, index, delta_sub);
}

double lambda_at_epoch(double lambda, int epoch, int epochs) {
  return epochs > 1 ? lambda * epoch / (epochs - 1) : 0.0;
}

FdMode resolve_fd_mode(FdMode mode, int64_t step) {
  if (mode != FdMode::interleaved) return mode;
  return step % 2 == 0 ? FdMode::forward : FdMode::backward;
}

std::vector<at::Tensor> finite_difference(const GradientAt& gradient_at, const std::vector<at::Tensor>& cell_probs,
                                          const at::Tensor& delta, double epsilon, FdMode mode,
                                          const std::vector<at::Tensor>& grad_at_p) {
  LDARTS_CHECK(mode != FdMode::interleaved, "finite_difference needs a resolved mode");
  auto shifted = [&](double sign) {  // every cell ℓ uses p_ℓ + sign·ε·δ_ℓ
    std::vector<at::Tensor> weights;
    for (size_t l = 0; l < cell_probs.size(); ++l)
      weights.push_back(cell_probs[l] + (sign * epsilon) * delta[l].view_as(cell_probs[l]));
    return gradient_at(weights);
  };
  std::vector<at::Tensor> minus, plus;
  double span = epsilon;
  switch (mode) {
    case FdMode::central:
      minus = shifted(-1.0), plus = shifted(+1.0), span = 2 * epsilon;
      break;
    case FdMode::forward:
      minus = grad_at_p, plus = shifted(+1.0);
      break;
    case FdMode::backward:
      minus = shifted(-1.0), plus = grad_at_p;
      break;
    case FdMode::interleaved: break;
  }
  std::vector<at::Tensor> r;
  r.reserve(minus.size());
  for (size_t i = 0; i < minus.size(); ++i) r.push_back((minus[i] - plus[i]) / span);
  return r;
}

}  // namespace ldarts
