// The DARTS-family ops (groundwork for the DARTS spaces): shapes at stride 1
// and 2, parameter counts of the reference code, FactorizedReduce against its
// definition, noise statistics.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/model/mixed_op.h"
#include "ldarts/ops/factorized_reduce.h"

using namespace ldarts;

namespace {
int64_t parameter_count(torch::nn::AnyModule& op) {
  int64_t n = 0;
  for (const auto& p : op.ptr()->parameters()) n += p.numel();
  return n;
}
}  // namespace

TEST(DartsOps, ShapesAtStrideOneAndTwo) {
  const BatchNormSpec search_bn{false, false};
  for (const char* name : {"none", "noise", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                           "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"}) {
    const auto x = torch::randn({2, 16, 8, 8});
    auto same = make_op(name, 16, 16, 1, search_bn);
    EXPECT_EQ(same.forward(x).sizes(), x.sizes()) << name;
    auto reduce = make_op(name, 16, 16, 2, search_bn);
    EXPECT_EQ(reduce.forward(x).sizes(), (std::vector<int64_t>{2, 16, 4, 4})) << name;
    const auto odd = torch::randn({2, 16, 7, 7});
    EXPECT_EQ(reduce.forward(odd).sizes(), (std::vector<int64_t>{2, 16, 4, 4})) << name << " (odd input)";
  }
}

TEST(DartsOps, ParameterCountsOfTheReferenceCode) {
  const BatchNormSpec search_bn{false, false};  // no affine BN parameters in the supernet
  auto sep = make_op("sep_conv_3x3", 16, 16, 1, search_bn);
  EXPECT_EQ(parameter_count(sep), 2 * (16 * 9 + 16 * 16));
  auto sep5 = make_op("sep_conv_5x5", 16, 16, 1, search_bn);
  EXPECT_EQ(parameter_count(sep5), 2 * (16 * 25 + 16 * 16));
  auto dil = make_op("dil_conv_3x3", 16, 16, 1, search_bn);
  EXPECT_EQ(parameter_count(dil), 16 * 9 + 16 * 16);
  auto skip = make_op("skip_connect", 16, 16, 2, search_bn);
  EXPECT_EQ(parameter_count(skip), 2 * 16 * 8);
  auto affine = make_op("sep_conv_3x3", 36, 36, 1, BatchNormSpec{});  // evaluation network: BN weight and bias
  EXPECT_EQ(parameter_count(affine), 2 * (36 * 9 + 36 * 36 + 2 * 36));
}

TEST(DartsOps, FactorizedReduceIsTwoShiftedStridedConvs) {
  torch::manual_seed(0);
  FactorizedReduce reduce(4, 8, BatchNormSpec{false, false});
  const auto x = torch::randn({2, 4, 6, 6});
  const auto params = reduce->named_parameters();
  const auto w1 = params["conv_1.weight"], w2 = params["conv_2.weight"];
  const auto r = torch::relu(x);
  const auto a = torch::conv2d(r, w1, {}, 2);
  const auto b = torch::conv2d(r.narrow(2, 1, 5).narrow(3, 1, 5), w2, {}, 2);  // the reference: x[:, :, 1:, 1:]
  const auto expected = torch::batch_norm(torch::cat({a, b}, 1), {}, {}, {}, {}, true, 0.1, 1e-5, false);
  EXPECT_TRUE(torch::allclose(reduce(x), expected, 1e-5, 1e-6));
}

TEST(DartsOps, NoiseIsStandardNormalOfTheOutputShape) {
  auto noise = make_op("noise", 8, 8, 1, BatchNormSpec{});
  const auto y = noise.forward(torch::zeros({64, 8, 16, 16}));
  EXPECT_NEAR(y.mean().item<double>(), 0.0, 0.02);
  EXPECT_NEAR(y.std().item<double>(), 1.0, 0.02);
  EXPECT_THROW(make_op("conv_7x7", 8, 8, 1, BatchNormSpec{}), std::exception);
}

// LibTorch 2.11's CPU kernels for stride-2 1×1 convolutions corrupted the
// heap on channels-last input and were 0.5% off in float on NCHW input;
// FactorizedReduce computes them as 1×1 convolutions of every other pixel.
// In float, both layouts must match the float64 result, and float64 the
// textbook strided convolution.
TEST(DartsOps, FactorizedReduceMatchesFloat64InBothLayouts) {
  torch::manual_seed(0);
  ldarts::FactorizedReduce op(4, 4, ldarts::BatchNormSpec{false, false});
  const torch::Tensor x = torch::randn({2, 4, 113, 113});
  const torch::Tensor r = torch::randn({2, 4, 57, 57});  // a random projection as the loss
  auto pass = [&](const torch::Tensor& input) {
    const torch::Tensor in = input.clone().requires_grad_(true);
    op->zero_grad();
    const torch::Tensor y = op->forward(in);
    (y * r.to(y.scalar_type())).sum().backward();
    std::vector<torch::Tensor> out{y.detach().to(torch::kDouble), in.grad().to(torch::kDouble)};
    for (const auto& p : op->parameters()) out.push_back(p.grad().to(torch::kDouble));
    return out;
  };
  op->to(torch::kDouble);
  const auto exact = pass(x.to(torch::kDouble));
  {  // float64 against the strided convolutions written out
    const auto a = torch::relu(x.to(torch::kDouble));
    const auto b = torch::nn::functional::pad(a.narrow(2, 1, 112).narrow(3, 1, 112),
                                              torch::nn::functional::PadFuncOptions({0, 1, 0, 1}));
    const auto params = op->parameters();
    const auto y = torch::cat({torch::conv2d(a, params[0], {}, 2), torch::conv2d(b, params[1], {}, 2)}, 1);
    const auto normalized = torch::batch_norm(y, {}, {}, {}, {}, true, 0.1, 1e-5, false);
    EXPECT_LT((normalized - exact[0]).abs().max().item<double>(), 1e-10);
  }
  op->to(torch::kFloat);
  for (int repeat = 0; repeat < 3; ++repeat)
    for (bool channels_last : {false, true}) {
      const auto got = pass(channels_last ? x.contiguous(at::MemoryFormat::ChannelsLast) : x);
      for (size_t i = 0; i < got.size(); ++i)
        EXPECT_LT((got[i] - exact[i]).norm().item<double>() / exact[i].norm().item<double>(), 1e-5)
            << "tensor " << i << (channels_last ? " channels-last" : " NCHW");
    }
}
