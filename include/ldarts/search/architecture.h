// The architecture parameters α of one cell type and the per-cell copies of
// softmax(α) that let each cell's gradient g_ℓ = ∂L/∂p_ℓ be read separately
// (SPEC §1.1). α is not part of the network: it has its own optimizer.
#pragma once

#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/spaces/space.h"

namespace ldarts {

class Architecture {
 public:
  // α = 1e-3·N(0,1), drawn from torch's global generator.
  explicit Architecture(const SearchSpace& space);

  at::Tensor& alpha() { return alpha_; }            // [edges, ops], a leaf
  const at::Tensor& alpha() const { return alpha_; }
  at::Tensor probabilities() const;                 // softmax(α) row-wise, no grad
  void to(at::Device device);                       // moves α (before any optimizer holds it)

  // One leaf copy of softmax(α) per cell, each requiring grad.
  std::vector<at::Tensor> cell_copies(int cells) const;

  // Sets α.grad from the summed per-cell gradients ∂L/∂p = Σ_ℓ g_ℓ by the
  // softmax Jacobian: ∂L/∂α = p ⊙ (G − Σ_o p_o G_o).
  // per_cell_grads: [cells, edges*ops]
  void set_grad_from_cells(const at::Tensor& per_cell_grads);

 private:
  at::Tensor alpha_;
};

// Stacks the gradients the copies received: [cells, edges*ops]. A copy that got
// no gradient contributes zeros.
at::Tensor stack_cell_grads(const std::vector<at::Tensor>& copies);

}  // namespace ldarts
