// Ops and the NB201 supernet: output shapes, pooling that excludes padding,
// stable module names, non-affine BN in search cells.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/mixed_op.h"
#include "ldarts/model/nb201_network.h"
#include "ldarts/ops/avg_pool.h"
#include "ldarts/ops/resnet_block.h"
#include "ldarts/ops/zero.h"
#include "ldarts/search/architecture.h"

using namespace ldarts;

TEST(Ops, EveryNb201OpKeepsTheShape) {
  const SearchSpace& space = find_space("nb201");
  const auto x = torch::randn({2, 4, 8, 8});
  for (const auto& name : space.ops) {
    auto op = make_op(name, 4, 4, 1, BatchNormSpec{false, false});
    EXPECT_EQ(op.forward(x).sizes(), x.sizes()) << name;
  }
}

TEST(Ops, ZeroIsZeroAndStrided) {
  Zero zero(4, 4, 2);
  const auto y = zero(torch::randn({2, 4, 9, 8}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 4, 5, 4}));
  EXPECT_EQ(y.abs().sum().item<double>(), 0.0);
}

TEST(Ops, AvgPoolExcludesPadding) {
  AvgPool pool(3, 3, 1, BatchNormSpec{});
  // With padding counted, corners of a constant image would be 4/9; excluded, they stay 1.
  const auto y = pool(torch::ones({1, 3, 5, 5}));
  EXPECT_TRUE(torch::allclose(y, torch::ones_like(y)));
}

TEST(Ops, ResNetBlockHalvesAndDoubles) {
  ResNetBlock block(4, 8, 2);
  EXPECT_EQ(block(torch::randn({2, 4, 8, 8})).sizes(), (std::vector<int64_t>{2, 8, 4, 4}));
  EXPECT_EQ(block(torch::randn({2, 4, 5, 5})).sizes(), (std::vector<int64_t>{2, 8, 3, 3}));  // odd sizes too
}

TEST(Ops, MixedOpIsTheWeightedSum) {
  const SearchSpace& space = find_space("nb201");
  torch::manual_seed(0);
  MixedOpOptions options;
  options.in_channels = options.out_channels = 4, options.bn = BatchNormSpec{false, false};
  MixedOp mixed(space.ops, options);
  const auto x = torch::randn({2, 4, 6, 6});
  // One-hot on skip_connect: the output is the input itself.
  auto w = torch::zeros({space.num_ops()});
  w[space.op_index("skip_connect")] = 1.0;
  EXPECT_TRUE(torch::allclose(mixed(x, w), x));
  // One-hot on none: zeros.
  w.zero_();
  w[space.op_index("none")] = 1.0;
  EXPECT_EQ(mixed(x, w).abs().sum().item<double>(), 0.0);
}

TEST(Network, OutputShapeAndCellCount) {
  const SearchSpace& space = find_space("nb201");
  Nb201Network net(space, Nb201NetworkOptions{4, 2, 1, 7});
  EXPECT_EQ(net->num_search_cells(), 6);
  Architecture arch(space);
  const auto y = net->forward(torch::randn({3, 1, 16, 16}), arch.cell_copies(6));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{3, 7}));
  EXPECT_THROW(net->forward(torch::randn({3, 1, 16, 16}), arch.cell_copies(5)), std::exception);
}

TEST(Network, StableNamesAndNonAffineSearchBn) {
  const SearchSpace& space = find_space("nb201");
  Nb201Network net(space, Nb201NetworkOptions{4, 1, 3, 10});
  const auto params = net->named_parameters();
  for (const char* name : {"stem.0.weight", "stem.1.weight", "cells.0.edge_1_0.nor_conv_3x3.conv.weight",
                           "cells.0.edge_3_2.nor_conv_1x1.conv.weight", "cells.1.conv_a.conv.weight",
                           "cells.1.shortcut.weight", "head_bn.weight", "classifier.weight"})
    EXPECT_TRUE(params.contains(name)) << name;
  for (const auto& p : params)
    if (p.key().rfind("cells.0.", 0) == 0) {
      EXPECT_EQ(p.key().find(".bn."), std::string::npos) << p.key();
    }
  // The search-cell BN keeps no running statistics either.
  for (const auto& b : net->named_buffers()) EXPECT_EQ(b.key().rfind("cells.0.", 0), std::string::npos) << b.key();
}

TEST(Ops, BatchNormMatchesLibTorchBatchNorm2d) {
  torch::manual_seed(0);
  ldarts::BatchNorm ours(3, ldarts::BatchNormSpec{});
  torch::nn::BatchNorm2d theirs(3);
  for (int i = 0; i < 3; ++i) {
    const auto x = torch::randn({4, 3, 5, 5}) * 3 + 2;
    EXPECT_TRUE(torch::allclose(ours(x), theirs(x), 1e-5, 1e-6));
  }
  const auto names = ours->named_buffers().keys();
  EXPECT_EQ(names, theirs->named_buffers().keys());
  for (size_t i = 0; i < names.size(); ++i)
    EXPECT_TRUE(torch::allclose(ours->buffers()[i].to(torch::kDouble), theirs->buffers()[i].to(torch::kDouble)))
        << names[i];
  ours->eval();
  theirs->eval();
  const auto x = torch::randn({2, 3, 5, 5});
  EXPECT_TRUE(torch::allclose(ours(x), theirs(x), 1e-5, 1e-6));
}
