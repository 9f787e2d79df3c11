// The DARTS search network: shapes, cell types, per-cell gradients, and the
// parameter count of the reference DARTS search model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/darts_network.h"
#include "ldarts/search/architecture.h"

using namespace ldarts;

namespace {
std::vector<torch::Tensor> copies_for(const DartsNetwork& net, const SearchSpace& space) {
  torch::manual_seed(0);
  const auto normal = torch::softmax(1e-3 * torch::randn({14, space.num_ops()}), -1);
  const auto reduce = torch::softmax(1e-3 * torch::randn({14, space.num_ops()}), -1);
  std::vector<torch::Tensor> w;
  for (int t : net->cell_types()) w.push_back((t == 0 ? normal : reduce).clone().requires_grad_(true));
  return w;
}
int64_t parameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}
}  // namespace

TEST(DartsNetwork, ShapesAndCellTypes) {
  const SearchSpace& space = find_space("darts");
  DartsNetwork net(space, DartsNetworkOptions{4, 5, 3, 10});
  EXPECT_EQ(net->cell_types(), (std::vector<int>{0, 1, 0, 1, 0}));  // reductions at 5/3 = 1 and 10/3 = 3
  EXPECT_EQ(net->regularized_cells(), (std::vector<bool>{true, false, true, false, true}));
  auto w = copies_for(net, space);
  const auto y = net->forward(torch::randn({2, 3, 16, 16}), w);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 10}));
  torch::nn::functional::cross_entropy(y, torch::tensor({1, 2})).backward();
  for (size_t i = 0; i < w.size(); ++i) EXPECT_GT(w[i].grad().abs().sum().item<double>(), 0.0) << "cell " << i;
}

TEST(DartsNetwork, ReferenceParameterCount) {
  // The DARTS (Liu et al.) search model, 8 ops with none, L=8, C=16, CIFAR-10:
  // its train_search.py logs "param size = 1.930618MB" (parameters / 1e6).
  DartsNetwork net(find_space("darts-none"), DartsNetworkOptions{16, 8, 3, 10});
  EXPECT_EQ(parameters(*net), 1930618);
}

TEST(DartsNetwork, EveryReducedSpaceBuilds) {
  for (const char* name : {"s1", "s2", "s3", "s4"}) {
    const SearchSpace& space = find_space(name);
    DartsNetwork net(space, DartsNetworkOptions{4, 4, 3, 10});
    EXPECT_EQ(net->forward(torch::randn({2, 3, 8, 8}), copies_for(net, space)).sizes(),
              (std::vector<int64_t>{2, 10}))
        << name;
  }
}
