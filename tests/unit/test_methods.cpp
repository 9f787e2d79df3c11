// Search methods (--method, docs/methods.md): the second-order hypergradient
// against the exact chain rule, the method axis against the regularizer, parsing.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/dist/communicator.h"
#include "ldarts/model/mixed_op.h"
#include "ldarts/search/progressive.h"
#include "ldarts/search/searcher.h"
#include "ldarts/spaces/space.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {

// A tiny NB201 search with `method` alone.
SearchOptions tiny(std::string method) {
  SearchOptions o = test::tiny_search_options();
  o.method = method;
  o.regularizer = RegularizerKind::none;
  o.seed = 9;
  return o;
}

SearchOptions second_order(double r) {
  SearchOptions o = tiny("darts-2nd");
  o.batch_size = 4;
  o.float64 = true;
  set_method_option(o, "hvp-r", r);
  return o;
}

using test::random_batch;

std::vector<torch::Tensor> clones(const std::vector<torch::Tensor>& ts) {
  std::vector<torch::Tensor> out;
  for (const auto& t : ts) out.push_back(t.detach().clone());
  return out;
}

void assign(std::vector<torch::Tensor>& to, const std::vector<torch::Tensor>& from) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
}

// d/dP L_val(ω − η(∇ω L_train(ω, P) + wd·ω), P) by the chain rule, with the mixed
// second derivative by double backward (no finite difference):
//   ∂L_val/∂P |ω'  −  η ∂/∂P ⟨∇ω L_train(ω, P), ∇ω' L_val(ω')⟩.
// Before the first ω step there is no momentum buffer.
torch::Tensor exact_hypergradient(Searcher& s, const Batch& valid, const Batch& train, double eta, double wd) {
  auto net = s.network();
  net->train();
  std::vector<torch::Tensor> params = net->weights();
  const std::vector<torch::Tensor> omega = clones(params);
  const std::vector<int> types = net->cell_types();
  auto loss = [&](const Batch& b, const std::vector<torch::Tensor>& cells) {
    return torch::nn::functional::cross_entropy(net->forward(s.device_images(b.images), cells), b.labels);
  };
  // ω'
  const std::vector<torch::Tensor> g0 =
      torch::autograd::grad({loss(train, s.architecture().cell_copies(types))}, params);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params.size(); ++i) params[i].sub_(g0[i] + wd * omega[i], eta);
  }
  std::vector<torch::Tensor> at_unrolled = s.architecture().cell_copies(types);
  std::vector<torch::Tensor> inputs = at_unrolled;
  inputs.insert(inputs.end(), params.begin(), params.end());
  const std::vector<torch::Tensor> d = torch::autograd::grad({loss(valid, at_unrolled)}, inputs);
  assign(params, omega);
  // The mixed term at ω.
  std::vector<torch::Tensor> cells = s.architecture().cell_copies(types);
  const std::vector<torch::Tensor> g =
      torch::autograd::grad({loss(train, cells)}, params, {}, /*retain_graph=*/true, /*create_graph=*/true);
  torch::Tensor inner = torch::zeros({}, torch::kDouble);
  for (size_t i = 0; i < g.size(); ++i) inner = inner + (g[i] * d[at_unrolled.size() + i]).sum();
  const std::vector<torch::Tensor> h = torch::autograd::grad({inner}, cells);
  std::vector<torch::Tensor> rows;
  for (size_t c = 0; c < cells.size(); ++c) rows.push_back((d[c] - eta * h[c]).reshape({-1}));
  return torch::stack(rows);
}

double relative_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).norm() / b.norm()).item<double>();
}

}  // namespace

TEST(Methods, SecondOrderHypergradientMatchesTheExactChainRule) {
  LocalCommunicator comm;
  const Batch valid = random_batch(4, 11), train = random_batch(4, 12);
  const double eta = 0.5, wd = 3e-4;  // a large η makes the implicit term a large part of the gradient
  std::vector<double> errors;
  torch::Tensor exact, first_order;
  for (double r : {1e-4, 1e-5, 1e-2}) {
    SearchOptions o = second_order(r);
    o.weight_decay = wd;
    torch::manual_seed(3);
    Searcher s(o, find_space("nb201"), 1, 10, comm);
    if (!exact.defined()) {
      exact = exact_hypergradient(s, valid, train, eta, wd);
      first_order = s.alpha_gradient(valid, train, StepSchedule{0.0, 0.0});  // η = 0: ∂L_val/∂P at ω
    }
    const torch::Tensor fd = s.alpha_gradient(valid, train, StepSchedule{eta, 0.0});
    errors.push_back(relative_error(fd, exact));
    const double cosine = torch::cosine_similarity(fd.reshape({-1}), exact.reshape({-1}), 0).item<double>();
    if (r < 1e-3) {
      EXPECT_GT(cosine, 0.999) << "r = " << r;
    }
  }
  // The implicit term is as large as the first-order gradient here, and the
  // central difference's error falls as r² (100× per decade).
  EXPECT_GT(relative_error(first_order, exact), 1e4 * errors[0]);
  EXPECT_LT(errors[1], errors[0] / 30) << errors[0] << " " << errors[1];
  // DARTS' r = 0.01 moves ω by 0.01: in this tiny float64 network (4 images of
  // 8×8, BN over few values) that crosses ReLU kinks and the estimate is off,
  // as with the regularizer's ε (docs/testing.md); the test documents it.
  EXPECT_GT(errors[2], 100 * errors[0]);
  std::printf(
      "relative error of the finite-difference hypergradient for r = 1e-4, 1e-5, 1e-2: %.2e %.2e %.2e "
      "(first order: %.2e)\n",
      errors[0], errors[1], errors[2], relative_error(first_order, exact));
}

TEST(Methods, SecondOrderWithZeroLearningRateIsFirstOrder) {
  LocalCommunicator comm;
  const Batch valid = random_batch(4, 21), train = random_batch(4, 22);
  auto gradient = [&](std::string method) {
    SearchOptions o = second_order(0.01);
    o.method = method;
    torch::manual_seed(4);
    Searcher s(o, find_space("nb201"), 1, 10, comm);
    return s.alpha_gradient(valid, train, StepSchedule{0.0, 0.0});
  };
  EXPECT_TRUE(torch::equal(gradient("darts-2nd"), gradient("darts")));
}

// λ = 0 with a method equals that method alone, bit for bit (ω and α after 3 steps,
// the second-order α gradient included); λ > 0 differs.
TEST(Methods, LambdaZeroEqualsTheMethodAlone) {
  LocalCommunicator comm;
  for (const std::string method : {"darts", "darts-2nd", "sdarts-rs", "sdarts-adv",
                            "beta-darts", "darts-minus", "pc-darts",
                            "p-darts"}) {
    auto run = [&](const std::string& regularizer, double lambda) {
      SearchOptions o = second_order(0.01);
      o.float64 = false;
      o.method = method;
      o.regularizer = parse_regularizer(regularizer);
      if (method == "pc-darts") o.partial_channels = 2;
      if (method == "p-darts")  // a stage-1 step in the DARTS space, with its skip dropout
        o.space = "darts-none", o.layers = 4, method_settings<PDartsSettings>(o, "p-darts").stage = 0, o.skip_dropout = 0.3, o.arch_grad_clip = 5;
      torch::manual_seed(5);
      Searcher s(o, find_space(o.space), 1, 10, comm);
      for (int i = 0; i < 3; ++i)
        s.step(random_batch(4, 30 + i), random_batch(4, 40 + i), StepSchedule{0.025, lambda, true, 3, 10});
      std::vector<torch::Tensor> state = clones(s.network()->weights());
      state.push_back(s.architecture().alpha().detach().clone());
      return state;
    };
    const auto alone = run("none", 0.0), zero = run("corr", 0.0), regularized = run("corr", 0.5);
    for (size_t i = 0; i < alone.size(); ++i) EXPECT_TRUE(torch::equal(alone[i], zero[i])) << method << i;
    EXPECT_FALSE(torch::equal(alone.back(), regularized.back())) << method;
  }
}

TEST(Methods, NamesParseOnceAndUnknownOnesAreRefused) {
  SearchOptions o;
  for (const std::string& name : method_names()) EXPECT_EQ(find_method(name).name, name);
  EXPECT_EQ(method_names().front(), "darts");
  EXPECT_ERROR_WITH(find_method("darts-3rd"), "--method", "darts-3rd", "darts-2nd");
  EXPECT_ERROR_WITH(set_method_option(o, "no-such-option", "1"), "--no-such-option");
  EXPECT_ERROR_WITH(set_method_option(o, "hvp-r", "fast"), "--hvp-r", "fast");
  std::string out;
  EXPECT_NE(test::run_ldarts("search --method darts-3rd --print-config", out), 0);
  EXPECT_NE(out.find("--method"), std::string::npos) << out;
  ASSERT_EQ(test::run_ldarts("search --method darts-2nd --print-config", out), 0) << out;
  EXPECT_NE(out.find("method=\"darts-2nd\""), std::string::npos) << out;
}

// SDARTS-RS: P = clip(softmax(α) + U(−ε, ε)) with ε = 0.03 + (ε_max − 0.03)·e/E,
// seeded by (seed, step); the α step does not see it.
TEST(Methods, SdartsRandomSmoothingNoise) {
  LocalCommunicator comm;
  SearchOptions o = tiny("sdarts-rs");
  torch::manual_seed(6);
  Searcher s(o, find_space("nb201"), 1, 10, comm);
  const Batch train = random_batch(8, 50), valid = random_batch(8, 51);
  const torch::Tensor p0 = s.architecture().probabilities(0);
  const StepSchedule at_epoch_5{0.025, 0.0, true, 5, 10};  // ε = 0.03 + 0.27·0.5 = 0.165
  const double eps = 0.165;
  const auto a = s.weight_pass_weights(train, at_epoch_5), b = s.weight_pass_weights(train, at_epoch_5);
  ASSERT_EQ(a.size(), size_t(s.network()->num_search_cells()));
  for (size_t c = 0; c < a.size(); ++c) EXPECT_TRUE(torch::equal(a[c], b[c]));  // seeded
  for (size_t c = 1; c < a.size(); ++c) EXPECT_TRUE(torch::equal(a[c], a[0]));  // one draw per cell type
  // Rows stay distributions; the deviations over many steps have the law of
  // u_i − P0_i·Σu (the renormalization, to first order): mean 0, std ε·√(0.8/3) at P0 ≈ 1/5.
  std::vector<torch::Tensor> deviations;
  torch::Tensor previous;
  for (int step = 0; step < 300; ++step) {
    const torch::Tensor p = s.weight_pass_weights(train, at_epoch_5)[0];
    EXPECT_TRUE(torch::allclose(p.sum(-1), torch::ones({p.size(0)})));
    EXPECT_GE(p.min().item<double>(), 0.0);
    if (previous.defined()) {
      EXPECT_FALSE(torch::equal(p, previous));  // a new draw every step
    }
    previous = p;
    deviations.push_back((p - p0).reshape({-1}));
    s.step(train, valid, StepSchedule{0.0, 0.0, false});  // advances the step count only (lr 0, α frozen)
  }
  // The same law drawn independently (torch's generator, SDARTS' clip() written
  // out again): the deviations' quantiles agree.
  std::vector<torch::Tensor> expected;
  torch::manual_seed(99);
  for (int step = 0; step < 300; ++step) {
    torch::Tensor q = (p0.to(torch::kDouble) + (2 * torch::rand(p0.sizes(), torch::kDouble) - 1) * eps).clamp(0, 1);
    q = q / q.sum(-1, true);  // no row is all zero at this ε
    expected.push_back((q - p0.to(torch::kDouble)).reshape({-1}));
  }
  const torch::Tensor d = std::get<0>(torch::cat(deviations).to(torch::kDouble).sort());
  const torch::Tensor e = std::get<0>(torch::cat(expected).sort());
  for (double quantile : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
    const int64_t i = int64_t(quantile * (d.numel() - 1));
    EXPECT_NEAR(d[i].item<double>(), e[i].item<double>(), 0.05 * eps) << "quantile " << quantile;
  }
  EXPECT_NEAR(d.std().item<double>(), e.std().item<double>(), 0.03 * e.std().item<double>());
  // The α gradient is first order at softmax(α): the same as plain DARTS'.
  SearchOptions plain = tiny("darts");
  torch::manual_seed(6);
  Searcher reference(plain, find_space("nb201"), 1, 10, comm);
  torch::manual_seed(6);
  Searcher rs(o, find_space("nb201"), 1, 10, comm);
  EXPECT_TRUE(
      torch::equal(rs.alpha_gradient(valid, train, at_epoch_5), reference.alpha_gradient(valid, train, at_epoch_5)));
  EXPECT_TRUE(reference.weight_pass_weights(train, at_epoch_5).empty());
}

// SDARTS-ADV: the attack's point is a distribution per edge, near the ε-ball
// around softmax(α) (clip() renormalizes after the projection), and raises the
// training loss (or is dropped).
TEST(Methods, SdartsAdversarialPerturbationRaisesTheLoss) {
  LocalCommunicator comm;
  SearchOptions o = tiny("sdarts-adv");
  torch::manual_seed(7);
  Searcher s(o, find_space("nb201"), 1, 10, comm);
  const Batch train = random_batch(8, 60);
  const StepSchedule schedule{0.025, 0.0, true, 9, 10};
  const double eps = 0.03 + 0.27 * 0.9;
  const std::vector<torch::Tensor> p = s.weight_pass_weights(train, schedule);
  const torch::Tensor p0 = s.architecture().probabilities(0);
  EXPECT_LT((p[0] - p0).abs().max().item<double>(), 1.5 * eps);
  EXPECT_FALSE(torch::equal(p[0], p0));
  EXPECT_TRUE(torch::allclose(p[0].sum(-1), torch::ones({p0.size(0)})));
  auto loss = [&](const std::vector<torch::Tensor>& cells) {
    torch::NoGradGuard no_grad;
    s.network()->eval();
    const torch::Tensor logits = s.network()->forward(s.device_images(train.images), cells);
    s.network()->train();
    return torch::nn::functional::cross_entropy(logits, train.labels).item<double>();
  };
  std::vector<torch::Tensor> plain(p.size(), p0);
  const double raised = loss(p) - loss(plain);
  EXPECT_GT(raised, 0.0);
  std::printf("SDARTS-ADV at ε = %.3f: training loss %.4f -> %.4f, max |P - P0| = %.3f\n", eps, loss(plain), loss(p),
              (p[0] - p0).abs().max().item<double>());
  // The ω step uses it: one step moves ω differently from SDARTS-RS and from DARTS.
  EXPECT_TRUE(s.weight_pass_weights(train, schedule)[0].equal(p[0]));  // deterministic
}

// β-DARTS: the Beta-Decay gradient λ_e·softmax(α)/|E| equals autograd's of
// λ_e·mean_edges logsumexp_ops α, with λ_e = λ·e/E.
TEST(Methods, BetaDecayGradientMatchesAutograd) {
  SearchOptions o;
  o.method = "beta-darts";
  set_method_option(o, "beta-decay", 50);
  const std::unique_ptr<SearchMethod> method = make_method(o, find_space("nb201"));
  torch::manual_seed(8);
  for (const auto& shape : {std::vector<int64_t>{6, 5}, std::vector<int64_t>{14, 8}}) {
    torch::Tensor alpha = torch::randn(shape, torch::kDouble).requires_grad_(true);
    const torch::Tensor base = torch::randn(shape, torch::kDouble);
    alpha.mutable_grad() = base.clone();
    std::vector<torch::Tensor> alphas{alpha};
    method->add_alpha_gradient(alphas, StepSchedule{0.025, 0.0, true, 30, 100});  // λ_e = 15
    torch::Tensor reference = torch::randn(shape, torch::kDouble).copy_(alpha.detach()).requires_grad_(true);
    const torch::Tensor term = 15.0 * torch::logsumexp(reference, -1).mean();
    const torch::Tensor expected = base + torch::autograd::grad({term}, {reference})[0];
    EXPECT_TRUE(torch::allclose(alpha.grad(), expected, 1e-12, 1e-14)) << (alpha.grad() - expected).abs().max();
  }
  // In a search step: λ = 0 at the first epoch, so the first step equals DARTS'.
  LocalCommunicator comm;
  auto first_alpha = [&](std::string kind, int epoch) {
    SearchOptions s = tiny(kind);
    torch::manual_seed(10);
    Searcher searcher(s, find_space("nb201"), 1, 10, comm);
    searcher.step(random_batch(8, 70), random_batch(8, 71), StepSchedule{0.025, 0.0, true, epoch, 10});
    return searcher.architecture().alpha().detach().clone();
  };
  EXPECT_TRUE(torch::equal(first_alpha("beta-darts", 0), first_alpha("darts", 0)));
  EXPECT_FALSE(torch::equal(first_alpha("beta-darts", 5), first_alpha("darts", 5)));
}

// DARTS-: the ω and α passes see softmax(α) + β_e at each edge's skip_connect,
// β_e = β0·(E − e)/E; the α gradient is that of the loss at those weights.
TEST(Methods, DartsMinusAuxiliarySkipFollowsItsSchedule) {
  LocalCommunicator comm;
  SearchOptions o = tiny("darts-minus");
  set_method_option(o, "aux-skip-beta", 1.0);
  torch::manual_seed(11);
  Searcher s(o, find_space("nb201"), 1, 10, comm);
  const Batch train = random_batch(8, 80), valid = random_batch(8, 81);
  const torch::Tensor p0 = s.architecture().probabilities(0);
  const int skip = find_space("nb201").op_index("skip_connect");
  for (const auto& [epoch, beta] : std::vector<std::pair<int, double>>{{0, 1.0}, {25, 0.5}, {49, 0.02}}) {
    const StepSchedule schedule{0.025, 0.0, true, epoch, 50};
    const std::vector<torch::Tensor> w = s.weight_pass_weights(train, schedule);
    ASSERT_FALSE(w.empty());
    const torch::Tensor added = w[0] - p0;
    EXPECT_NEAR(added.select(1, skip).min().item<double>(), beta, 1e-6) << epoch;
    EXPECT_NEAR(added.select(1, skip).max().item<double>(), beta, 1e-6) << epoch;
    EXPECT_EQ(added.abs().sum().item<double>(), added.select(1, skip).abs().sum().item<double>());  // nowhere else
    // ∂L_val/∂P at P + β·skip, by autograd on those weights.
    std::vector<torch::Tensor> leaves;
    for (const auto& t : w) leaves.push_back(t.detach().clone().requires_grad_(true));
    const torch::Tensor loss =
        torch::nn::functional::cross_entropy(s.network()->forward(s.device_images(valid.images), leaves), valid.labels);
    const std::vector<torch::Tensor> g = torch::autograd::grad({loss}, leaves);
    std::vector<torch::Tensor> rows;
    for (const auto& t : g) rows.push_back(t.reshape({-1}));
    EXPECT_TRUE(torch::allclose(s.alpha_gradient(valid, train, schedule), torch::stack(rows), 1e-5, 1e-7)) << epoch;
  }
  // The supernet is evaluated with the auxiliary skip too (as DARTS-' MixedOp always adds it).
  const Batch batch = random_batch(8, 82);
  const EvalStats with_skip = s.evaluate({batch}, {}, StepSchedule{0, 0, true, 0, 50});
  const EvalStats nearly_without = s.evaluate({batch}, {}, StepSchedule{0, 0, true, 49, 50});
  EXPECT_NE(with_skip.loss, nearly_without.loss);
  torch::manual_seed(11);
  Searcher plain(tiny("darts"), find_space("nb201"), 1, 10, comm);
  EXPECT_EQ(plain.evaluate({batch}).loss, plain.evaluate({batch}, {}, StepSchedule{0, 0, true, 0, 50}).loss);
  o.space = "s4";  // sep_conv_3x3 and noise: no skip_connect
  EXPECT_ERROR_WITH(Searcher(o, find_space("s4"), 1, 10, comm), "darts-minus", "skip_connect", "s4");
}

// PC-DARTS on NB201 (Lambda-DARTS' PCDARTS.py): K = 4 leaves 3/4 of the channels
// to the bypass; an edge has the parameters of a full edge on C/4 channels; the
// fused cell kernel equals the per-edge supernet; without K > 1 the method is refused.
TEST(Methods, PcDartsOnNb201) {
  LocalCommunicator comm;
  auto make = [&](int64_t k, const std::string& kernel) {
    SearchOptions o = tiny("pc-darts");
    o.channels = 8;
    o.partial_channels = k;
    o.cell_kernel = kernel;
    o.float64 = true;
    torch::manual_seed(12);
    return std::make_unique<Searcher>(o, find_space("nb201"), 1, 10, comm);
  };
  auto full = make(4, "fused");
  EXPECT_EQ(full->network()->edge_op(0, 0).partial_channels(), 4);
  const Batch train = random_batch(8, 90), valid = random_batch(8, 91);
  auto per_edge = make(4, "per-edge");
  EXPECT_TRUE(torch::allclose(full->alpha_gradient(valid, train, StepSchedule{0.025, 0.0}),
                              per_edge->alpha_gradient(valid, train, StepSchedule{0.025, 0.0}), 1e-10, 1e-12));
  int64_t k4 = 0, k1 = 0;
  for (const auto& p : full->network()->weights()) k4 += p.numel();
  SearchOptions plain = tiny("darts");
  plain.channels = 8;
  torch::manual_seed(12);
  Searcher darts(plain, find_space("nb201"), 1, 10, comm);
  for (const auto& p : darts.network()->weights()) k1 += p.numel();
  EXPECT_LT(k4, k1);  // the cells' convolutions are 16× smaller (C/4 in and out)
  SearchOptions refused = tiny("pc-darts");
  EXPECT_ERROR_WITH(Searcher(refused, find_space("nb201"), 1, 10, comm), "pc-darts", "--partial-channels");
}

// --arch-grad-clip (P-DARTS, PC-DARTS ImageNet): one norm over α (and β) before
// Adam; Adam's first moment after one step is (1 − β1)·g, so it shows the clip.
TEST(Methods, ArchGradClipBoundsTheArchitectureGradient) {
  LocalCommunicator comm;
  auto first_moment_norm = [&](double clip) {
    SearchOptions o = tiny("darts");
    o.arch_grad_clip = clip;
    o.arch_weight_decay = 0;  // Adam's moment is then (1 − β1)·(the clipped gradient) alone
    torch::manual_seed(12);
    Searcher s(o, find_space("nb201"), 1, 10, comm);
    s.step(random_batch(8, 50), random_batch(8, 51), StepSchedule{0.025, 0, true, 0, 10});
    Checkpoint c;
    s.save_state(c);
    return c.tensor("optim/arch/cell/exp_avg").norm().item<double>() / (1 - o.arch_beta1);
  };
  const double free = first_moment_norm(0), clipped = first_moment_norm(1e-4);
  EXPECT_GT(free, 1e-3);
  EXPECT_NEAR(clipped, 1e-4 * free / (free + 1e-6), 1e-6 * 1e-4);  // clip/(norm + 1e-6), float32
  EXPECT_NEAR(first_moment_norm(1e3), free, 1e-12);  // a clip above the norm changes nothing
}

// --clip-with-alpha (docs/reference-steps.md D1): the norm the ω clip sees is
// ‖(∇ω, a)‖ with a what the NB201 loops leave in α's gradient: DARTS-V1 (ω step
// first) the previous α step's ∂L_val/∂α plus this ω pass's ∂L_train/∂α; β-DARTS
// ∂L_train/∂P alone. Each is recomputed here by autograd on a twin searcher.
TEST(Methods, ClipWithAlphaCountsWhatAlphasGradientHoldsInTheNb201Loops) {
  LocalCommunicator comm;
  for (const std::string method : {"darts", "beta-darts"}) {
    SCOPED_TRACE(method);
    auto make = [&](bool with_alpha) {
      SearchOptions o = second_order(0.01);  // float64, NB201 C=4 N=1
      o.method = method;
      o.clip_with_alpha = with_alpha;
      o.grad_clip = 1e9;  // the norm is reported, nothing is scaled: the three searchers stay equal
      o.step_order = StepOrder::weights_first;
      torch::manual_seed(31);
      return std::make_unique<Searcher>(o, find_space("nb201"), 1, 10, comm);
    };
    auto with = make(true), without = make(false), twin = make(false);
    for (int step = 0; step < 3; ++step) {
      const Batch train = random_batch(4, 60 + step), valid = random_batch(4, 70 + step);
      // ∂L_train/∂α (DARTS) or ∂L_train/∂P (β-DARTS) of the shared softmax(α), on the twin.
      auto net = twin->network();
      torch::Tensor alpha = twin->architecture().alpha().detach().clone().requires_grad_(true);
      torch::Tensor p = torch::softmax(alpha, -1);
      if (method == "beta-darts") p = p.detach().requires_grad_(true);
      const torch::Tensor loss = torch::nn::functional::cross_entropy(
          net->forward(twin->device_images(train.images), std::vector<torch::Tensor>(net->num_search_cells(), p)),
          train.labels);
      torch::Tensor a = torch::autograd::grad({loss}, {method == "beta-darts" ? p : alpha})[0];
      const torch::Tensor& last = twin->architecture().alpha().grad();
      if (method == "darts" && last.defined()) a = a + last;  // V1 never zeroes it before the ω pass
      const StepSchedule schedule{0.025, 0, true, 10, 100};
      const double n_with = with->step(train, valid, schedule).grad_norm;
      const double n_without = without->step(train, valid, schedule).grad_norm;
      twin->step(train, valid, schedule);
      EXPECT_NEAR(n_with * n_with, n_without * n_without + a.pow(2).sum().item<double>(), 1e-9 * n_with * n_with)
          << "step " << step;
    }
  }
}
