#include "ldarts/search/architecture.h"

#include <ATen/ATen.h>

namespace ldarts {

Architecture::Architecture(const SearchSpace& space) {
  alpha_ = (1e-3 * at::randn({space.num_edges(), space.num_ops()})).set_requires_grad(true);
}

void Architecture::to(at::Device device) { alpha_ = alpha_.detach().to(device).set_requires_grad(true); }

at::Tensor Architecture::probabilities() const { return at::softmax(alpha_.detach(), -1); }

std::vector<at::Tensor> Architecture::cell_copies(int cells) const {
  const at::Tensor p = probabilities();
  std::vector<at::Tensor> copies;
  copies.reserve(cells);
  for (int i = 0; i < cells; ++i) copies.push_back(p.clone().set_requires_grad(true));
  return copies;
}

void Architecture::set_grad_from_cells(const at::Tensor& per_cell_grads) {
  const at::Tensor p = probabilities();
  const at::Tensor g = per_cell_grads.sum(0).view_as(p);  // ∂L/∂p
  at::Tensor grad = p * (g - (p * g).sum(-1, true));
  alpha_.mutable_grad() = grad;
}

at::Tensor stack_cell_grads(const std::vector<at::Tensor>& copies) {
  std::vector<at::Tensor> rows;
  rows.reserve(copies.size());
  for (const at::Tensor& c : copies)
    rows.push_back(c.grad().defined() ? c.grad().reshape({-1}) : at::zeros({c.numel()}, c.options()));
  return at::stack(rows);
}

}  // namespace ldarts
