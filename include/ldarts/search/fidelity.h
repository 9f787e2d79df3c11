// Float32 fidelity of one search step (docs/benchmarks.md, "Float32 fidelity").
//
// Λ's finite differences divide the difference of two ω gradients by 2ε
// (ε·‖Δ‖ = ε0 = 1e-4), so every rounding error of those gradients is
// magnified about 1/ε times: a float32 supernet whose kernels round a little
// worse than the straightforward ones can turn Λ's term into noise while
// float64 shows nothing wrong. This measures it: one step of the same
// searcher (same options, seed, ω, α and batches) in float32 and in float64,
// and how far the float32 results lie from the float64 ones. The
// straightforward supernet (per-edge cells, NCHW) computes what the authors'
// code computes, in the same order (bit-identical in float32,
// tests/reference/), so its error is the authors' own float32 noise: the
// yardstick of every faster path.
#pragma once

#include <cstdint>
#include <string>

#include "ldarts/search/options.h"

namespace ldarts {

struct StepFidelity {
  // Relative errors ‖x32 − x64‖ / ‖x64‖: of the whole ω update (ω before −
  // ω after, so λ·r included), its worst tensor, and of ∂L/∂α after the step.
  double omega = 0, omega_worst_tensor = 0, alpha_grad = 0;
  // Absolute errors of Λ_train and Λ_valid; relative errors of ε, ‖Δ‖ and the clip's norm.
  double lambda_train = 0, lambda_valid = 0, epsilon = 0, delta_norm = 0, grad_norm = 0;
  // Float64 magnitudes for context: ‖update‖ and the share of it that λ·r is.
  double update_norm = 0, regularizer_share = 0;
};

struct FidelitySetup {
  int64_t batch = 32, image = 16, in_channels = 3, num_classes = 10;
  double lr = 0.025, lambda = 0.25;  // the step's schedule (λ_t of a late epoch)
  uint64_t seed = 0;                 // ω's initialization and the batches
  double alpha_scale = 0.3;          // α ← alpha_scale·N(0, 1): softmax(α) away from uniform
  double input_mean = 0, input_std = 1;  // the images' values
};

// One step of `options` (its float64 flag ignored) in float32 and in float64 from
// identical state, on options.device with a LocalCommunicator (CUDA: with
// options.tf32 as given; float64 never uses TF32).
StepFidelity float32_fidelity(const SearchOptions& options, const FidelitySetup& setup);

// The error of one step is heavy-tailed, on every path (the authors' code's
// included): a ReLU input that lies within float32 rounding of 0 in one of Λ's
// ± passes takes the other side of the kink in float64, and the difference
// quotient turns that jump into an error of 1e-2 to 3e-1 of the whole ω update.
// Which state holds such a unit depends on the last bits of every kernel, so
// one state cannot rank two paths; the medians over several states can.
struct FidelitySummary {
  StepFidelity median;  // every figure's median over the seeds
  int seeds = 0;
  int jumps = 0;  // seeds whose ω update error exceeded kJump
  static constexpr double kJump = 1e-2;
};

// float32_fidelity for seeds setup.seed, setup.seed + 1, ..., setup.seed + seeds − 1.
FidelitySummary float32_fidelity_over_seeds(const SearchOptions& options, FidelitySetup setup, int seeds);

}  // namespace ldarts
