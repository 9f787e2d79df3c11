// Evaluation networks built from genotypes: parameter counts and multiply-adds
// against the DARTS reference code, shapes with and without the auxiliary head,
// drop path, NB201 networks against hand counts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/eval_network.h"
#include "ldarts/ops/drop_path.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {
// DARTS_V2 of quark0/darts cnn/genotypes.py (the cell of the DARTS paper).
const char* kDartsV2 =
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], "
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), "
    "('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

int64_t count(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

EvalModel network(const std::string& form, int64_t c, int64_t layers, int64_t classes, bool aux) {
  EvalNetworkOptions o;
  o.form = form, o.channels = c, o.layers = layers, o.num_classes = classes, o.auxiliary = aux;
  return make_eval_network(parse_genotype(kDartsV2, "test"), o);
}
}  // namespace

// Expected numbers: quark0/darts (cnn/model.py) run with torch 2.11 on DARTS_V2;
// "without aux" = its utils.count_parameters_in_MB × 1e6 (names without "auxiliary").
TEST(EvalNetwork, CifarParameterCountsMatchTheReferenceCode) {
  auto cifar10 = network("cifar", 36, 20, 10, true);
  EXPECT_EQ(count(*cifar10), 3825768);
  EXPECT_EQ(cifar10->parameters_without_aux(), 3349342);  // the paper's "3.3M"
  EXPECT_EQ(count(*network("cifar", 36, 20, 10, false)), 3349342);
  auto cifar100 = network("cifar", 16, 8, 100, true);
  EXPECT_EQ(count(*cifar100), 773912);
  EXPECT_EQ(cifar100->parameters_without_aux(), 269236);
}

TEST(EvalNetwork, ImageNetParameterCountMatchesTheReferenceCode) {
  auto imagenet = network("imagenet", 48, 14, 1000, true);
  EXPECT_EQ(count(*imagenet), 5979528);
  EXPECT_EQ(imagenet->parameters_without_aux(), 4718752);  // the paper's "4.7M"
}

TEST(EvalNetwork, MultiplyAddsMatchAHookCountOfTheReferenceCode) {
  // Conv (kh·kw·in/groups·out·H·W) + linear (in·out) MACs of the reference model at batch 1.
  EXPECT_EQ(count_macs(*network("cifar", 36, 20, 10, false), 3, 32), 528359040);
  EXPECT_EQ(count_macs(*network("imagenet", 48, 14, 1000, false), 3, 224), 529911552);
}

TEST(EvalNetwork, OutputShapesWithAndWithoutTheAuxiliaryHead) {
  torch::manual_seed(0);
  auto net = network("cifar", 8, 8, 10, true);
  net->train();
  EvalOutput out = net->forward(torch::randn({2, 3, 32, 32}));
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{2, 10}));
  ASSERT_TRUE(out.aux_logits.defined());
  EXPECT_EQ(out.aux_logits.sizes(), (std::vector<int64_t>{2, 10}));
  net->eval();
  EXPECT_FALSE(net->forward(torch::randn({2, 3, 32, 32})).aux_logits.defined());  // aux only in training
  auto plain = network("cifar", 8, 8, 10, false);
  EXPECT_FALSE(plain->forward(torch::randn({2, 3, 32, 32})).aux_logits.defined());
  // 28×28 inputs (Fashion-MNIST): the auxiliary head pools adaptively.
  EvalNetworkOptions o;
  o.channels = 4, o.layers = 5, o.in_channels = 1;
  auto small = make_eval_network(parse_genotype(kDartsV2, "test"), o);
  out = small->forward(torch::randn({2, 1, 28, 28}));
  EXPECT_EQ(out.aux_logits.sizes(), (std::vector<int64_t>{2, 10}));
  auto imagenet = network("imagenet", 8, 5, 7, true);
  out = imagenet->forward(torch::randn({2, 3, 224, 224}));
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{2, 7}));
  EXPECT_EQ(out.aux_logits.sizes(), (std::vector<int64_t>{2, 7}));
}

TEST(EvalNetwork, DropPathIsIdentityInEvalAndKeepsTheExpectation) {
  torch::manual_seed(0);
  const auto x = torch::rand({20000, 2, 3, 3}) + 0.5;
  EXPECT_TRUE(torch::equal(drop_path(x, 0.3, false), x));
  EXPECT_TRUE(torch::equal(drop_path(x, 0.0, true), x));
  const auto y = drop_path(x, 0.3, true);
  const auto kept = y.flatten(1).ne(0).all(1).to(torch::kDouble);
  EXPECT_NEAR(kept.mean().item<double>(), 0.7, 0.01);  // whole samples are dropped or kept
  EXPECT_TRUE(torch::allclose(y.flatten(1).ne(0).any(1).to(torch::kDouble), kept));
  EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 0.01);  // expectation kept
  // In the network: eval mode is deterministic whatever the drop-path probability.
  auto net = network("cifar", 4, 5, 10, false);
  net->set_drop_path(0.5);
  net->eval();
  const auto in = torch::randn({2, 3, 16, 16});
  EXPECT_TRUE(torch::equal(net->forward(in).logits, net->forward(in).logits));
}

TEST(EvalNetwork, Nb201NetworkMatchesHandCounts) {
  // Hand count, C=16, N=5, 10 classes: stem 432+32; ResNet blocks 16->32 (4608+64 + 9216+64 + 512) and
  // 32->64 (18432+128 + 36864+128 + 2048); head BN 128; linear 650 = 73306 without parameters in cells.
  EvalNetworkOptions o;
  o.form = "nb201", o.channels = 16, o.layers = 5;
  auto skip = make_eval_network(
      parse_genotype("|skip_connect~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|skip_connect~2|", "t"), o);
  EXPECT_EQ(count(*skip), 73306);
  // Every edge nor_conv_3x3: + 6 edges × (C²·9 + 2C) per cell, 5 cells at 16, 32 and 64 channels.
  auto conv = make_eval_network(parse_genotype("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|"
                                               "nor_conv_3x3~1|nor_conv_3x3~2|", "t"), o);
  EXPECT_EQ(count(*conv), 73306 + 5 * 6 * ((16 * 16 * 9 + 32) + (32 * 32 * 9 + 64) + (64 * 64 * 9 + 128)));
  EXPECT_EQ(conv->forward(torch::randn({2, 3, 32, 32})).logits.sizes(), (std::vector<int64_t>{2, 10}));
  EXPECT_ERROR_WITH(make_eval_network(parse_genotype(kDartsV2, "t"), o), "NB201 genotype");
}
