// Float32 fidelity of the fast supernet (docs/benchmarks.md, "Float32 fidelity").
// Λ's finite differences divide a difference of ω gradients by 2ε, so the
// float32 rounding of the supernet's kernels is magnified ~1/ε times. The
// yardstick is the straightforward supernet (per-edge cells, NCHW), whose float32
// step is the authors' code's, bit for bit (tests/reference/): its error
// against float64 is the published code's own noise. The default (fused,
// channels-last) supernet must stay within 3x of it. Both bounds are measured
// here, not hand-picked: a path is compared with the yardstick in one process.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/ops/batch_norm.h"
#include "ldarts/search/fidelity.h"

using namespace ldarts;

namespace {

struct BnErrors {
  double out = 0, grad_in = 0, grad_weight = 0, grad_bias = 0;
};

double rel(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a.to(torch::kDouble) - b).norm() / b.norm()).item<double>();
}

// Training-mode BN of x (float32, in `format`) against the same BN in float64
// (NCHW), forward and backward, with an affine scale and shift.
template <typename Norm>
BnErrors batch_norm_errors(const Norm& norm, at::MemoryFormat format) {
  torch::manual_seed(0);
  // A large mean, as conv outputs of ReLU inputs have: the sums lose digits.
  const torch::Tensor x64 = torch::randn({32, 16, 16, 16}, torch::kDouble) * 3 + 5;
  const torch::Tensor w64 = torch::rand({16}, torch::kDouble) + 0.5, b64 = torch::randn({16}, torch::kDouble);
  const torch::Tensor g64 = torch::randn({32, 16, 16, 16}, torch::kDouble);
  auto run = [&](torch::Dtype dtype, at::MemoryFormat f) {
    torch::Tensor x = x64.to(dtype).contiguous(f).detach().requires_grad_(true);
    torch::Tensor w = w64.to(dtype).detach().requires_grad_(true), b = b64.to(dtype).detach().requires_grad_(true);
    const torch::Tensor y = norm(x, w, b);
    y.backward(g64.to(dtype).contiguous(f));
    return std::vector<torch::Tensor>{y.detach(), x.grad(), w.grad(), b.grad()};
  };
  const auto exact = run(torch::kDouble, at::MemoryFormat::Contiguous);
  const auto single = run(torch::kFloat, format);
  return {rel(single[0], exact[0]), rel(single[1], exact[1]), rel(single[2], exact[2]), rel(single[3], exact[3])};
}

torch::Tensor libtorch_bn(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return torch::batch_norm(x, w, b, {}, {}, true, 0.1, 1e-5, false);
}
torch::Tensor ldarts_bn(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  return ldarts::batch_norm(x, w, b, {}, {}, true);
}

void expect_within(const BnErrors& e, const BnErrors& yardstick, double factor) {
  EXPECT_LE(e.out, factor * yardstick.out) << "forward";
  EXPECT_LE(e.grad_in, factor * yardstick.grad_in) << "∂/∂x";
  EXPECT_LE(e.grad_weight, factor * yardstick.grad_weight) << "∂/∂scale";
  EXPECT_LE(e.grad_bias, factor * yardstick.grad_bias) << "∂/∂shift";
}

}  // namespace

TEST(Float32Fidelity, BatchNormOnChannelsLastHasTheNchwKernelsAccuracy) {
  const BnErrors nchw = batch_norm_errors(libtorch_bn, at::MemoryFormat::Contiguous);
  const BnErrors ours = batch_norm_errors(ldarts_bn, at::MemoryFormat::ChannelsLast);
  expect_within(ours, nchw, 3.0);
  // The premise, and what the test would see without the NCHW detour: LibTorch's
  // channels-last CPU kernel (2.11) is far less accurate. When this fails, LibTorch
  // has fixed it and ldarts::batch_norm can call it directly again.
  const BnErrors channels_last = batch_norm_errors(libtorch_bn, at::MemoryFormat::ChannelsLast);
  EXPECT_GT(channels_last.out, 10 * nchw.out);
  EXPECT_GT(channels_last.grad_in, 10 * nchw.grad_in);
  // Outputs are channels-last again, so the next conv stays in that layout.
  const torch::Tensor x = torch::randn({2, 4, 3, 3}).contiguous(at::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(ldarts::batch_norm(x, {}, {}, {}, {}, true).is_contiguous(at::MemoryFormat::ChannelsLast));
}

namespace {

SearchOptions path(const SearchOptions& base, const std::string& kernel, bool channels_last) {
  SearchOptions o = base;
  o.cell_kernel = kernel;
  o.channels_last = channels_last;
  return o;
}

// The default path (fused, channels-last) against the straightforward one's own
// float32 noise, on one Λ-DARTS step (central differences, ε0 = 1e-4), as medians
// over several states: the error of a single state is heavy-tailed on every path
// (search/fidelity.h), so one state cannot rank two paths.
void expect_default_path_within_noise(const SearchOptions& base, const FidelitySetup& setup, int seeds) {
  const FidelitySummary yardstick = float32_fidelity_over_seeds(path(base, "per-edge", false), setup, seeds);
  const FidelitySummary fast = float32_fidelity_over_seeds(path(base, "fused", true), setup, seeds);
  const StepFidelity &y = yardstick.median, &f = fast.median;
  // The regularizer matters in these steps, or the test would not see its noise.
  ASSERT_GT(y.regularizer_share, 0.05);
  const double factor = 3.0;
  EXPECT_LE(f.omega, factor * y.omega) << "ω update; the yardstick's " << y.omega;
  EXPECT_LE(f.alpha_grad, factor * y.alpha_grad) << "∂L/∂α; the yardstick's " << y.alpha_grad;
  EXPECT_LE(f.lambda_train, factor * y.lambda_train + 1e-7) << "Λ_train; the yardstick's " << y.lambda_train;
  EXPECT_LE(f.epsilon, factor * y.epsilon + 1e-6) << "ε; the yardstick's " << y.epsilon;
  EXPECT_LE(fast.jumps, yardstick.jumps + 1) << "states with an ω error above 1%";
  // Not trivially equal: float32 differs from float64 on both paths.
  EXPECT_GT(y.omega, 0.0);
  EXPECT_GT(f.omega, 0.0);
}

}  // namespace

TEST(Float32Fidelity, Nb201LambdaStepOnTheDefaultPathIsWithinTheReferenceNoise) {
  SearchOptions o;
  o.space = "nb201", o.channels = 8, o.cells_per_stage = 2;
  expect_default_path_within_noise(o, FidelitySetup{}, 5);
}

TEST(Float32Fidelity, DartsLambdaStepOnTheDefaultPathIsWithinTheReferenceNoise) {
  SearchOptions o;
  o.space = "darts", o.channels = 8, o.layers = 5;
  FidelitySetup s;
  s.batch = 8, s.image = 8;  // few ReLU units, so that few states carry a jump (and 4 s a state)
  expect_default_path_within_noise(o, s, 5);
}
