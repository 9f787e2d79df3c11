#include "ldarts/search/architecture.h"

#include <ATen/ATen.h>

#include "ldarts/core/error.h"

namespace ldarts {

Architecture::Architecture(const SearchSpace& space) {
  for (const CellType& type : space.cell_types) {
    alphas_.push_back((1e-3 * at::randn({space.num_edges(), space.num_ops()})).set_requires_grad(true));
    names_.push_back(type.name);
  }
}

void Architecture::to(at::Device device, at::ScalarType dtype) {
  for (auto& a : alphas_) a = a.detach().to(device, dtype).set_requires_grad(true);
}

at::Tensor Architecture::probabilities(int type) const { return at::softmax(alphas_[type].detach(), -1); }

std::vector<at::Tensor> Architecture::cell_probabilities(const std::vector<int>& cell_types) const {
  std::vector<at::Tensor> p;
  for (int t = 0; t < num_types(); ++t) p.push_back(probabilities(t));
  std::vector<at::Tensor> out;
  out.reserve(cell_types.size());
  for (int t : cell_types) out.push_back(p.at(t));
  return out;
}

std::vector<at::Tensor> Architecture::cell_copies(const std::vector<int>& cell_types) const {
  std::vector<at::Tensor> copies;
  for (const at::Tensor& p : cell_probabilities(cell_types)) copies.push_back(p.clone().set_requires_grad(true));
  return copies;
}

std::vector<at::Tensor> Architecture::cell_copies(int cells) const { return cell_copies(std::vector<int>(cells, 0)); }

void Architecture::set_grad_from_cells(const at::Tensor& per_cell_grads, const std::vector<int>& cell_types) {
  LDARTS_CHECK(per_cell_grads.size(0) == static_cast<int64_t>(cell_types.size()), "got gradients of ",
               per_cell_grads.size(0), " cells for ", cell_types.size(), " cells");
  const std::vector<at::Tensor> sums = type_sums(per_cell_grads, cell_types);
  for (int t = 0; t < num_types(); ++t) alphas_[t].mutable_grad() = alpha_grad(t, sums[t]);
}

std::vector<at::Tensor> Architecture::type_sums(const at::Tensor& per_cell_grads,
                                                const std::vector<int>& cell_types) const {
  std::vector<at::Tensor> sums;
  for (int t = 0; t < num_types(); ++t) {
    std::vector<int64_t> rows;
    for (size_t cell = 0; cell < cell_types.size(); ++cell)
      if (cell_types[cell] == t) rows.push_back(static_cast<int64_t>(cell));
    const at::Tensor index = at::tensor(rows, at::kLong).to(per_cell_grads.device());
    sums.push_back(per_cell_grads.index_select(0, index).sum(0).view_as(alphas_[t]));
  }
  return sums;
}

at::Tensor Architecture::alpha_grad(int type, const at::Tensor& g) const {
  const at::Tensor p = probabilities(type);
  return p * (g - (p * g).sum(-1, true));
}

void Architecture::set_grad_from_cells(const at::Tensor& per_cell_grads) {
  set_grad_from_cells(per_cell_grads, std::vector<int>(per_cell_grads.size(0), 0));
}

at::Tensor stack_cell_grads(const std::vector<at::Tensor>& copies) {
  std::vector<at::Tensor> rows;
  rows.reserve(copies.size());
  for (const at::Tensor& c : copies)
    rows.push_back(c.grad().defined() ? c.grad().reshape({-1}) : at::zeros({c.numel()}, c.options()));
  return at::stack(rows);
}

}  // namespace ldarts
