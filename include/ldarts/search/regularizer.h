// The Λ-DARTS regularizer (paper §4.2, docs/method.md §4) as pure functions of tensors:
// the perturbation directions δ_ℓ = ∂Λ/∂g_ℓ, the λ ramp, and the finite-difference
// estimate of −∇Λ from extra passes with perturbed per-cell weights.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "ldarts/search/options.h"  // RegularizerKind, FdMode

namespace ldarts {

struct SearchSpace;

// The cells whose per-cell gradients enter Λ and the regularizer, one flag per
// search cell of the given types (SearchNetworkImpl::cell_types): every NB201
// cell, the normal cells of the DARTS spaces (§A.9.2).
std::vector<bool> regularized_cells(const SearchSpace& space, const std::vector<int>& cell_types);

// δ_ℓ for every regularized cell, zeros for the others.
// per_cell_grads: [cells, d]; regularized: one flag per cell (at least two set).
// corr:     δ_ℓ = w/‖g_ℓ‖ · (I − u_ℓu_ℓᵀ) Σ_{ℓ'≠ℓ} u_ℓ'
// signcorr: δ_ℓ = w · Σ_{ℓ'≠ℓ} (1 − s_ℓℓ'·sign(g_ℓ)⊙sign(g_ℓ')) ⊙ g_ℓ' / a_ℓℓ'
// with w = 1/(L choose 2) over the L regularized cells.
at::Tensor perturbations(const at::Tensor& per_cell_grads, RegularizerKind kind, const std::vector<bool>& regularized);

// λ_t = λ · t / (T − 1), t the epoch from 0 (linear ramp, §4.1); 0 when T = 1.
double lambda_at_epoch(double lambda, int epoch, int epochs);

// Interleaved mode alternates forward (even steps) and backward (odd steps).
FdMode resolve_fd_mode(FdMode mode, int64_t step);

// Gradients of some loss with respect to fixed tensors (ω for the inner
// objective, the cell weights for the outer one) when cell ℓ uses cell_weights[ℓ].
using GradientAt = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor>& cell_weights)>;

// r ≈ −(∇·Δ)-directional derivative of the gradient, i.e. r ≈ −∇Λ (Δ = ∂Λ/∂g):
//   central  (eq. 13): [G(P − εΔ) − G(P + εΔ)] / (2ε)
//   forward  (eq. 24): [G(P) − G(P + εΔ)] / ε
//   backward (eq. 25): [G(P − εΔ) − G(P)] / ε
// cell_probs: P, one [edges, ops] tensor per cell; delta: [cells, edges*ops];
// grad_at_p: G(P), needed by forward/backward (the pass the step made anyway).
// `mode` must be resolved (not interleaved).
std::vector<at::Tensor> finite_difference(const GradientAt& gradient_at, const std::vector<at::Tensor>& cell_probs,
                                          const at::Tensor& delta, double epsilon, FdMode mode,
                                          const std::vector<at::Tensor>& grad_at_p);

}  // namespace ldarts
