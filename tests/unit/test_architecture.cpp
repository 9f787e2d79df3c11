// The per-cell copies of softmax(α): their gradients g_ℓ sum to the gradient
// that a single shared softmax(α) receives, and α.grad equals autograd's.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/nb201_network.h"
#include "ldarts/search/architecture.h"

using namespace ldarts;

namespace {
struct Fixture {
  const SearchSpace& space = find_space("nb201");
  Nb201Network net{nullptr};
  Architecture arch{space};
  torch::Tensor x, y;
  Fixture() {
    torch::manual_seed(3);
    net = Nb201Network(space, Nb201NetworkOptions{4, 2, 3, 5});
    net->to(torch::kDouble);
    arch = Architecture(space);
    arch.alpha() = (torch::randn({space.num_edges(), space.num_ops()}, torch::kDouble)).requires_grad_(true);
    x = torch::randn({4, 3, 8, 8}, torch::kDouble);
    y = torch::tensor({0, 1, 2, 3});
  }
  torch::Tensor loss(const std::vector<torch::Tensor>& weights) {
    return torch::nn::functional::cross_entropy(net->forward(x, weights), y);
  }
};
}  // namespace

TEST(Architecture, CopiesAreSeparateLeaves) {
  Fixture f;
  auto copies = f.arch.cell_copies(f.net->num_search_cells());
  f.loss(copies).backward();
  const auto g = stack_cell_grads(copies);  // [cells, edges*ops]
  EXPECT_EQ(g.sizes(), (std::vector<int64_t>{6, 30}));
  // The cells send different gradients (else the copies would be pointless).
  EXPECT_GT((g[0] - g[1]).abs().max().item<double>(), 1e-8);
}

TEST(Architecture, CellGradientsSumToTheSharedGradient) {
  Fixture f;
  auto copies = f.arch.cell_copies(f.net->num_search_cells());
  f.loss(copies).backward();
  const auto summed = stack_cell_grads(copies).sum(0).view({6, 5});

  auto shared = f.arch.probabilities().clone().requires_grad_(true);
  f.loss(std::vector<torch::Tensor>(f.net->num_search_cells(), shared)).backward();
  EXPECT_TRUE(torch::allclose(summed, shared.grad(), 1e-10, 1e-12));
}

TEST(Architecture, AlphaGradientEqualsAutogradThroughSoftmax) {
  Fixture f;
  auto copies = f.arch.cell_copies(f.net->num_search_cells());
  f.loss(copies).backward();
  f.arch.set_grad_from_cells(stack_cell_grads(copies));

  auto alpha = f.arch.alpha().detach().clone().requires_grad_(true);
  const auto p = torch::softmax(alpha, -1);
  f.loss(std::vector<torch::Tensor>(f.net->num_search_cells(), p)).backward();
  EXPECT_TRUE(torch::allclose(f.arch.alpha().grad(), alpha.grad(), 1e-10, 1e-12));
}

TEST(Architecture, InitialAlphaIsSmall) {
  torch::manual_seed(0);
  Architecture arch(find_space("nb201"));
  EXPECT_EQ(arch.alpha().sizes(), (std::vector<int64_t>{6, 5}));
  EXPECT_LT(arch.alpha().abs().max().item<double>(), 1e-2);
  EXPECT_GT(arch.alpha().abs().max().item<double>(), 0.0);
}
