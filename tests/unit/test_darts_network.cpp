// The DARTS search network: shapes, cell types, per-cell gradients, and the
// parameter count of the reference DARTS search model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/darts_network.h"
#include "ldarts/search/architecture.h"
#include "ldarts/search/regularizer.h"

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
  EXPECT_EQ(regularized_cells(space, net->cell_types()), (std::vector<bool>{true, false, true, false, true}));
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

TEST(DartsNetwork, PartialChannelsBypassAndShuffle) {
  // K = 2: the ops see the first C/2 channels; after the shuffle the odd output
  // channels are the bypassed second half of the input (max-pooled at stride 2).
  torch::manual_seed(0);
  const std::vector<std::string> ops{"skip_connect", "sep_conv_3x3", "max_pool_3x3"};
  const BatchNormSpec bn{false, false};
  auto options = [&](int64_t channels, int64_t stride, int64_t k) {
    MixedOpOptions o;
    o.in_channels = o.out_channels = channels, o.stride = stride, o.bn = bn, o.pool_bn = true, o.partial_channels = k;
    return o;
  };
  MixedOp partial(ops, options(8, 1, 2)), reduced(ops, options(8, 2, 2)), narrow(ops, options(4, 1, 1));
  const auto x = torch::randn({2, 8, 6, 6});
  const auto w = torch::softmax(torch::randn({3}), 0);
  const auto y = partial(x, w);
  ASSERT_EQ(y.sizes(), x.sizes());
  EXPECT_TRUE(torch::equal(y.index({torch::indexing::Slice(), torch::indexing::Slice(1, 8, 2)}), x.narrow(1, 4, 4)));
  const auto y2 = reduced(x, w);
  EXPECT_EQ(y2.sizes(), (std::vector<int64_t>{2, 8, 3, 3}));
  EXPECT_TRUE(torch::equal(y2.index({torch::indexing::Slice(), torch::indexing::Slice(1, 8, 2)}),
                           torch::max_pool2d(x.narrow(1, 4, 4), {2, 2}, {2, 2})));
  // The ops of a K=2 edge on 8 channels are the ops of a full edge on 4 channels.
  EXPECT_EQ(parameters(*partial), parameters(*narrow));
  EXPECT_GT(parameters(*narrow), 0);
}

TEST(DartsNetwork, ImageNetFormTakes224AndTrainsBeta) {
  torch::manual_seed(0);
  const SearchSpace& space = find_space("darts");
  DartsNetworkOptions o{8, 5, 3, 7};
  o.imagenet = true, o.partial_channels = 2, o.edge_normalization = true;
  DartsNetwork net(space, o);
  ASSERT_EQ(net->edge_parameters().size(), 2u);
  // β are architecture parameters: not among the weights the ω optimizer gets.
  EXPECT_EQ(net->weights().size() + 2, net->parameters().size());
  const auto ew = net->edge_weights(0);
  ASSERT_EQ(ew.sizes(), (std::vector<int64_t>{14}));
  // softmax over the edges entering each node: 2, 3, 4, 5 edges.
  EXPECT_NEAR(ew.narrow(0, 0, 2).sum().item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(ew.narrow(0, 9, 5).sum().item<double>(), 1.0, 1e-6);
  auto w = copies_for(net, space);
  const auto y = net->forward(torch::randn({2, 3, 224, 224}), w);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 7}));
  torch::nn::functional::cross_entropy(y, torch::tensor({1, 2})).backward();
  for (size_t i = 0; i < w.size(); ++i) EXPECT_GT(w[i].grad().abs().sum().item<double>(), 0.0) << "cell " << i;
  for (const auto& b : net->edge_parameters()) EXPECT_GT(b.grad().abs().sum().item<double>(), 0.0);
}
