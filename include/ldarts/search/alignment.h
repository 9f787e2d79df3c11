// Layer alignment of the per-cell architecture gradients (paper §3, eqs. 5 and 7),
// as pure functions of g: [cells, edges*ops], row ℓ = g_ℓ = ∂L/∂p_ℓ.
// Both return a 0-dim tensor, differentiable with respect to g.
#pragma once

#include <ATen/core/Tensor.h>

namespace ldarts {

// Λ = mean over pairs ℓ<ℓ' of cos(g_ℓ, g_ℓ')                       (eq. 5)
at::Tensor alignment(const at::Tensor& per_cell_grads);

// Λ± = mean over pairs of (g_ℓ·g_ℓ') / (|g_ℓ|·|g_ℓ'|), |·| elementwise  (eq. 7)
at::Tensor sign_alignment(const at::Tensor& per_cell_grads);

}  // namespace ldarts
