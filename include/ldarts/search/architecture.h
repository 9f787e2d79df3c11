// The architecture parameters α — one [edges, ops] matrix per cell type (NB201:
// one; DARTS spaces: normal and reduce) — and the per-cell copies of softmax(α)
// that let each cell's gradient g_ℓ = ∂L/∂p_ℓ be read separately (docs/method.md §1).
// α is not part of the network: it has its own optimizer.
#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/spaces/space.h"

namespace ldarts {

class Architecture {
 public:
  // Every α = 1e-3·N(0,1), drawn from torch's global generator.
  explicit Architecture(const SearchSpace& space);

  int num_types() const { return static_cast<int>(alphas_.size()); }
  const std::string& type_name(int type) const { return names_[type]; }
  at::Tensor& alpha(int type = 0) { return alphas_[type]; }  // a leaf
  const at::Tensor& alpha(int type = 0) const { return alphas_[type]; }
  std::vector<at::Tensor> alphas() const { return alphas_; }
  at::Tensor probabilities(int type = 0) const;  // softmax(α) row-wise, no grad
  // Moves α (before any optimizer holds it), optionally to another dtype.
  void to(at::Device device, at::ScalarType dtype = at::kFloat);

  // One leaf copy of softmax(α of the cell's type) per cell, each requiring grad.
  std::vector<at::Tensor> cell_copies(const std::vector<int>& cell_types) const;
  std::vector<at::Tensor> cell_copies(int cells) const;  // all of type 0
  // The values of those copies, without grad (P).
  std::vector<at::Tensor> cell_probabilities(const std::vector<int>& cell_types) const;

  // Sets each α.grad from the summed gradients of the cells of its type,
  // ∂L/∂p = Σ_ℓ g_ℓ, by the softmax Jacobian: ∂L/∂α = p ⊙ (G − Σ_o p_o G_o).
  // per_cell_grads: [cells, edges*ops]
  void set_grad_from_cells(const at::Tensor& per_cell_grads, const std::vector<int>& cell_types);
  void set_grad_from_cells(const at::Tensor& per_cell_grads);  // all of type 0
  // The parts of it: ∂L/∂p = Σ_ℓ g_ℓ of every type ([edges, ops] each), and ∂L/∂α of a type from its ∂L/∂p.
  std::vector<at::Tensor> type_sums(const at::Tensor& per_cell_grads, const std::vector<int>& cell_types) const;
  at::Tensor alpha_grad(int type, const at::Tensor& grad_p) const;

 private:
  std::vector<at::Tensor> alphas_;
  std::vector<std::string> names_;
};

// Stacks the gradients the copies received: [cells, edges*ops]. A copy that got
// no gradient contributes zeros.
at::Tensor stack_cell_grads(const std::vector<at::Tensor>& copies);

}  // namespace ldarts
