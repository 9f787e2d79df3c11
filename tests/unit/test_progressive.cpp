// P-DARTS (--method p-darts, search/progressive.h, docs/methods.md §4): the
// skip-dropout schedule and masks, the op pruning between stages, the skip
// limit, the stages of a whole run (depth, op counts, checkpoints) and an exact
// resume in the middle of every stage.
#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/checkpoint.h"
#include "ldarts/model/search_network.h"
#include "ldarts/ops/skip_dropout.h"
#include "ldarts/search/progressive.h"
#include "ldarts/search/searcher.h"
#include "ldarts/search/search_run.h"
#include "ldarts/spaces/space.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {

// softmax(α) of a checkpoint's cell type, row-major.
std::vector<float> probabilities(const Checkpoint& c, const std::string& type) {
  const torch::Tensor p = torch::softmax(c.tensor("arch/" + type).to(torch::kFloat), -1).contiguous();
  return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
}

// The number of search cells of a checkpoint's network ("model/cells.<i>.…").
int cells_of(const Checkpoint& c) {
  std::set<int> cells;
  for (const auto& [key, t] : c.tensors)
    if (key.rfind("model/cells.", 0) == 0) cells.insert(std::stoi(key.substr(12)));
  return int(cells.size());
}

// The ops of `stage` (from 0) of a darts-none run in `run`, recomputed from the
// last checkpoint of each earlier stage.
std::vector<EdgeOps> recomputed_ops(const std::string& run, const std::vector<int64_t>& keep, int stage) {
  const SearchSpace& base = find_space("darts-none");
  std::vector<EdgeOps> ops = {base.cell_types[0].edge_ops, base.cell_types[1].edge_ops};
  for (int s = 0; s < stage; ++s) {
    const Checkpoint c = read_checkpoint(latest_checkpoint(run + "/stage-" + std::to_string(s + 1)));
    for (int t = 0; t < 2; ++t) ops[t] = prune_ops(ops[t], probabilities(c, t == 0 ? "normal" : "reduce"), int(keep[s]));
  }
  return ops;
}

// The checkpoint's "search/p-darts/ops" form: "normal: a b | c d ...; reduce: ...".
std::string ops_text(const std::vector<EdgeOps>& ops) {
  std::string out;
  for (size_t t = 0; t < ops.size(); ++t) {
    out += std::string(t ? "; " : "") + (t == 0 ? "normal" : "reduce") + ":";
    for (size_t e = 0; e < ops[t].size(); ++e) {
      out += e ? " |" : "";
      for (const auto& op : ops[t][e]) out += " " + op;
    }
  }
  return out;
}

SearchOptions tiny_pdarts(const std::string& data, const std::string& out) {
  SearchOptions o;
  o.method = "p-darts";
  o.space = "darts-none";  // P-DARTS' 8 ops
  o.dataset = "mnist";
  o.data_dir = data;
  o.channels = 4;
  o.layers = 4;
  set_method_option(o, "pdarts-add-layers", "0 1 2");
  set_method_option(o, "pdarts-keep-ops", "5 3 1");
  set_method_option(o, "pdarts-skip-dropout", "0.2 0.4 0.6");
  o.batch_size = 8;
  o.epochs = 2;
  o.max_steps = 2;
  o.eval_steps = 1;
  o.arch_start_epoch = 1;
  o.arch_grad_clip = 5;
  o.regularizer = RegularizerKind::none;
  o.threads = 1;
  o.seed = 5;
  o.keep_checkpoints = 100;
  o.out = out;
  return o;
}

}  // namespace

TEST(Progressive, SkipDropoutScheduleIsPdarts) {
  // train_search.py:152-158 with 25 epochs, α frozen for 10: non-monotone at the switch.
  EXPECT_DOUBLE_EQ(skip_dropout_rate(0.4, 0, 25, 10), 0.4 * 24 / 25);
  EXPECT_DOUBLE_EQ(skip_dropout_rate(0.4, 9, 25, 10), 0.4 * 15 / 25);
  EXPECT_DOUBLE_EQ(skip_dropout_rate(0.4, 10, 25, 10), 0.4);
  EXPECT_DOUBLE_EQ(skip_dropout_rate(0.4, 14, 25, 10), 0.4 * std::exp(-0.8));
  EXPECT_DOUBLE_EQ(skip_dropout_rate(0.0, 3, 25, 10), 0.0);
}

TEST(Progressive, SkipDropoutMasksAreSeededInvertedDropout) {
  auto control = std::make_shared<SkipDropoutControl>();
  SkipDropout a(control), b(control);
  const torch::Tensor x = torch::ones({4, 8, 16, 16});
  control->rate = 0.25, control->seed = 77;
  const torch::Tensor ya = a(x);
  // Kept entries are scaled by 1/(1 − p), the rest are 0, at about the rate.
  EXPECT_TRUE(torch::logical_or(ya == 0, (ya - 1 / 0.75).abs() < 1e-6).all().item<bool>());
  EXPECT_NEAR((ya == 0).to(torch::kDouble).mean().item<double>(), 0.25, 0.02);
  EXPECT_TRUE(torch::equal(ya, a(x)));     // the same seed: the same mask
  EXPECT_FALSE(torch::equal(ya, b(x)));    // another module: another mask
  control->seed = 78;
  EXPECT_FALSE(torch::equal(ya, a(x)));    // another pass: another mask
  a->eval();
  EXPECT_TRUE(torch::equal(a(x), x));      // evaluation: no dropout
  a->train();
  control->rate = 0;
  EXPECT_TRUE(torch::equal(a(x), x));
}

// Λ-P-DARTS: the finite differences (g(P + εΔ) − g(P − εΔ))/2ε, or (g(P + εΔ) −
// g(P))/ε, only make sense when the passes drop the units of the pass they perturb; other masks would
// add (g' − g'')/2ε, which grows as 1/ε. In float64, below the ε where the
// differences cross ReLU kinks of this tiny network (~1e-4 here), the ω
// gradient with the regularizer converges as ε0 shrinks.
TEST(Progressive, TheRegularizerPassesSeeTheMasksOfThePassTheyPerturb) {
  LocalCommunicator comm;
  auto gradient_norm = [&](double lambda, double epsilon0, const std::string& fd_mode) {
    SearchOptions o;
    o.space = "darts-none", o.method = "p-darts", method_settings<PDartsSettings>(o, "p-darts").stage = 0;
    o.channels = 4, o.layers = 4, o.batch_size = 8, o.seed = 3, o.float64 = true;
    o.skip_dropout = 0.5, o.regularizer = lambda > 0 ? RegularizerKind::corr : RegularizerKind::none, o.epsilon0 = epsilon0, o.grad_clip = 1e9;
    o.fd_mode = parse_fd_mode(fd_mode);
    torch::manual_seed(21);
    Searcher s(o, find_space(o.space), 1, 10, comm);
    const Batch train = test::random_batch(8, 22);
    return s.step(train, train, StepSchedule{0.025, lambda, false, 0, 1}).grad_norm;
  };
  // Central: the + and − passes; forward: the + pass and the ω pass itself (eq. 24).
  for (const std::string fd_mode : {"central", "forward"}) {
    const double plain = gradient_norm(0, 1e-6, fd_mode);
    const double at6 = gradient_norm(0.5, 1e-6, fd_mode), at7 = gradient_norm(0.5, 1e-7, fd_mode);
    EXPECT_GT(std::abs(at6 - plain), 1e-3 * plain) << fd_mode;  // the regularizer acts
    EXPECT_NEAR(at7, at6, 1e-4 * at6) << fd_mode;               // and its term does not grow as ε shrinks
  }
}

TEST(Progressive, SkipDropoutFollowsEveryStrideOneSkipOnly) {
  const SearchSpace& space = find_space("darts-none");
  auto count = [&](bool skip_dropout, int& identities) {
    SearchNetworkOptions o;
    o.channels = 4, o.layers = 5, o.in_channels = 1, o.skip_dropout = skip_dropout;
    const SearchNetwork net = make_search_network(space, o);
    int dropouts = 0;
    identities = 0;
    for (const auto& m : net->modules()) {
      dropouts += m->as<SkipDropoutImpl>() != nullptr;
      identities += m->as<torch::nn::IdentityImpl>() != nullptr;
    }
    return dropouts;
  };
  int identities = 0;
  // 5 cells (reductions at 1 and 3): 3 normal cells x 14 stride-1 skips, 2 reduction cells x 6 (the
  // edges leaving nodes 2-4; the 8 leaving the inputs have stride 2: FactorizedReduce, no dropout).
  EXPECT_EQ(count(true, identities), 3 * 14 + 2 * 6);
  EXPECT_EQ(identities, 0);
  EXPECT_EQ(count(false, identities), 0);  // the priors switched off: plain identities
  EXPECT_EQ(identities, 3 * 14 + 2 * 6);
}

TEST(Progressive, PruningDropsTheLowestWeightedOpsOfEveryEdge) {
  const EdgeOps ops = {{"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3"},
                       {"none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3"}};
  const std::vector<float> p = {0.30f, 0.05f, 0.20f, 0.25f, 0.20f,   // ties: the earlier op goes first
                                0.10f, 0.40f, 0.15f, 0.05f, 0.30f};
  const EdgeOps kept = prune_ops(ops, p, 3);
  EXPECT_EQ(kept[0], (std::vector<std::string>{"none", "skip_connect", "sep_conv_3x3"}));  // none is an op like any
  EXPECT_EQ(kept[1], (std::vector<std::string>{"max_pool_3x3", "avg_pool_3x3", "sep_conv_3x3"}));
  EXPECT_EQ(prune_ops(kept, {0.2f, 0.5f, 0.3f, 0.6f, 0.1f, 0.3f}, 1),
            (EdgeOps{{"skip_connect"}, {"max_pool_3x3"}}));
  EXPECT_THROW(prune_ops(ops, p, 6), Error);
  EXPECT_THROW(prune_ops(ops, std::vector<float>(9, 0.1f), 3), Error);
}

TEST(Progressive, SkipLimitRemovesTheWeakestKeptSkips) {
  // Stage-3 ops: every edge keeps none, skip_connect and sep_conv_3x3.
  const SearchSpace& base = find_space("darts-none");
  const EdgeOps three(14, {"none", "skip_connect", "sep_conv_3x3"});
  const SearchSpace space = stage_space(base, {three, three});
  // Every edge prefers skip (weight 0.5 + e/100) over sep_conv (0.3): 8 skips in the cell.
  std::vector<float> p;
  for (int e = 0; e < 14; ++e) p.insert(p.end(), {0.2f - e / 100.0f, 0.5f + e / 100.0f, 0.3f});
  auto skips = [](const DartsCellGenotype& g) {
    int n = 0;
    for (const auto& [op, from] : g.ops) n += op == "skip_connect";
    return n;
  };
  EXPECT_EQ(skips(derive_darts_cell(space, "normal", p)), 8);
  const DartsCellGenotype limited = limit_skips(space, "normal", p, 2);
  EXPECT_EQ(skips(limited), 2);
  EXPECT_EQ(skips(limit_skips(space, "normal", p, 8)), 8);
  EXPECT_EQ(skips(limit_skips(space, "normal", p, 0)), 0);
  // The strongest skips stay: node 5's edges from nodes 4 and 3 (edges 13 and 12).
  std::vector<std::pair<std::string, int>> kept_skips;
  for (const auto& op : limited.ops)
    if (op.first == "skip_connect") kept_skips.push_back(op);
  EXPECT_EQ(kept_skips, (std::vector<std::pair<std::string, int>>{{"skip_connect", 4}, {"skip_connect", 3}}));
}

// A whole run: 3 stages of 4, 5, 6 cells with 8, 5, 3 ops per edge; each stage
// keeps its predecessor's strongest ops; the checkpoints say the stage.
TEST(Progressive, StagesGrowTheNetworkAndKeepTheStrongestOps) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  const SearchOptions o = tiny_pdarts(dir.path(), dir.file("run"));
  const SearchResult result = run_search(o, "", comm);
  std::vector<Checkpoint> last;
  for (int s = 0; s < 3; ++s) {
    const std::string folder = dir.file("run/stage-" + std::to_string(s + 1));
    last.push_back(read_checkpoint(latest_checkpoint(folder)));
    const Checkpoint& c = last.back();
    EXPECT_EQ(c.integer("search/p-darts/stage"), s);
    EXPECT_EQ(c.string("search/method"), "p-darts");
    EXPECT_EQ(cells_of(c), 4 + s);
    EXPECT_EQ(c.tensor("arch/normal").sizes(), (std::vector<int64_t>{14, std::vector<int64_t>{8, 5, 3}[s]}));
    EXPECT_EQ(c.tensor("arch/reduce").size(1), (std::vector<int64_t>{8, 5, 3}[s]));
    EXPECT_EQ(c.integer("search/steps_done"), 4);
  }
  // Stage 2's ops are stage 1's without its 3 weakest per edge, stage 3's stage 2's without 2.
  for (int s = 1; s < 3; ++s)
    EXPECT_EQ(last[s].string("search/p-darts/ops"), ops_text(recomputed_ops(dir.file("run"), method_settings<PDartsSettings>(o, "p-darts").keep_ops, s)));
  // The final cell: stage 3's α, at most 2 skip_connects in the normal cell.
  const SearchSpace stage3 = stage_space(find_space("darts-none"), recomputed_ops(dir.file("run"), method_settings<PDartsSettings>(o, "p-darts").keep_ops, 2));
  DartsGenotype g;
  g.normal = limit_skips(stage3, "normal", probabilities(last[2], "normal"), 2);
  g.reduce = derive_darts_cell(stage3, "reduce", probabilities(last[2], "reduce"));
  EXPECT_EQ(result.genotype, to_genotype_text(g));
  EXPECT_EQ(test::read_text(dir.file("run/genotype.json")), to_json(g));
  EXPECT_NE(test::read_text(dir.file("run/stages.txt")).find("stage 2 done"), std::string::npos);

  // Without the priors: no skip limit (here: limit 0 with the priors would differ when a skip is kept).
  SearchOptions free = o;
  set_method_option(free, "pdarts-priors", "false");
  set_method_option(free, "pdarts-max-skips", "0");
  free.out = dir.file("free");
  const SearchResult plain = run_search(free, "", comm);
  const Checkpoint c3 = read_checkpoint(latest_checkpoint(dir.file("free/stage-3")));
  const SearchSpace free3 = stage_space(find_space("darts-none"), recomputed_ops(dir.file("free"), method_settings<PDartsSettings>(o, "p-darts").keep_ops, 2));
  DartsGenotype f;
  f.normal = derive_darts_cell(free3, "normal", probabilities(c3, "normal"));
  f.reduce = derive_darts_cell(free3, "reduce", probabilities(c3, "reduce"));
  EXPECT_EQ(plain.genotype, to_genotype_text(f));
}

TEST(Progressive, RefusesWhatMakesNoSense) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  SearchOptions o = tiny_pdarts(dir.path(), dir.file("run"));
  o.space = "nb201";
  EXPECT_ERROR_WITH(run_search(o, "", comm), "p-darts", "DARTS space", "nb201");
  o = tiny_pdarts(dir.path(), dir.file("run"));
  set_method_option(o, "pdarts-keep-ops", "5 5 1");
  EXPECT_ERROR_WITH(run_search(o, "", comm), "--pdarts-keep-ops", "stage 2");
  set_method_option(o, "pdarts-keep-ops", "5 3");
  EXPECT_ERROR_WITH(run_search(o, "", comm), "one value per stage");
  o = tiny_pdarts(dir.path(), dir.file("run"));
  o.resume = dir.file("run/some.h5");
  EXPECT_ERROR_WITH(run_search(o, "", comm), "--resume auto");
  EXPECT_FALSE(file_exists(dir.file("run/stage-1")));
}

// A preemption in the middle of each stage (LDARTS_STOP_AT_STEP fires at step 3
// of every stage: epoch 2, step 1), resumed each time with --resume auto: every
// stage's steps.csv and the final genotype equal the uninterrupted run's.
TEST(Progressive, ResumeInTheMiddleOfEveryStageIsExact) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  const std::string common = "search --method p-darts --space darts-none --dataset mnist --data-dir " + dir.path() +
                             " --channels 4 --layers 4 --pdarts-add-layers 0,1,2 --pdarts-skip-dropout 0.2,0.4,0.6"
                             " --batch-size 8 --epochs 2 --max-steps 2 --eval-steps 1 --arch-start-epoch 1"
                             " --arch-grad-clip 5 --regularizer none --threads 1 --seed 6 --keep-checkpoints 100";
  std::string out;
  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("whole"), out), 0) << out;
  const std::string stop = "LDARTS_STOP_AT_STEP=3 " + std::string(LDARTS_BINARY) + " " + common + " --out " +
                           dir.file("cut");
  ASSERT_EQ(test::run_command(stop, out), 75) << out;
  for (int stage = 2; stage <= 3; ++stage) {
    ASSERT_EQ(test::run_command(stop + " --resume auto", out), 75) << out;
    EXPECT_NE(out.find("P-DARTS stage " + std::to_string(stage) + "/3"), std::string::npos) << out;
  }
  ASSERT_EQ(test::run_ldarts(common + " --out " + dir.file("cut") + " --resume auto", out), 0) << out;
  for (int s = 1; s <= 3; ++s) {
    const std::string stage = "/stage-" + std::to_string(s);
    EXPECT_EQ(test::read_text(dir.file("whole" + stage + "/steps.csv")),
              test::read_text(dir.file("cut" + stage + "/steps.csv")))
        << stage;
  }
  EXPECT_EQ(test::read_text(dir.file("whole/genotype.json")), test::read_text(dir.file("cut/genotype.json")));
  EXPECT_EQ(test::read_text(dir.file("whole/stages.txt")), test::read_text(dir.file("cut/stages.txt")));

  // A fresh run where an earlier run left its record (stages 1-2 done) is refused (the folder is
  // not its own); with --force the record moves aside with the rest, so the fresh run stopped in
  // stage 1 and resumed continues stage 1, not stage 3.
  make_dirs(dir.file("again"));
  test::write_text(dir.file("again/stages.txt"), test::read_text(dir.file("whole/stages.txt")));
  const std::string again = "LDARTS_STOP_AT_STEP=3 " + std::string(LDARTS_BINARY) + " " + common + " --out " +
                            dir.file("again");
  EXPECT_EQ(test::run_command(again, out), 1) << out;
  EXPECT_NE(out.find("--force"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(again + " --force", out), 75) << out;
  EXPECT_FALSE(file_exists(dir.file("again/stages.txt")));
  ASSERT_EQ(test::run_command(again + " --resume auto", out), 75) << out;
  EXPECT_NE(out.find("P-DARTS stage 1/3"), std::string::npos) << out;
  EXPECT_NE(out.find("P-DARTS stage 2/3"), std::string::npos) << out;
}
