// The paper's diagnostics (search/diagnostics.h) against hand computations,
// and the run layer's series: α change, TensorBoard after a resume.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "ldarts/core/files.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/csv_log.h"
#include "ldarts/io/event_file.h"
#include "ldarts/model/mixed_op.h"
#include "ldarts/model/search_network.h"
#include "ldarts/search/architecture.h"
#include "ldarts/search/diagnostics.h"
#include "ldarts/search/observers.h"
#include "ldarts/search/search_run.h"
#include "ldarts/search/searcher.h"
#include "ldarts/run/observer.h"
#include "ldarts/spaces/space.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;

namespace {

SearchOptions tiny_search(const std::string& data_dir, const std::string& out) {
  SearchOptions o = test::tiny_search_options(data_dir, out);
  o.cells_per_stage = 2;
  o.epochs = 3;
  o.max_steps = 3;
  o.eval_steps = 1;
  o.lambda = 0.5;
  o.checkpoint_every = 2;
  o.keep_checkpoints = 100;
  o.probe_every = 1;
  o.seed = 7;
  return o;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  return out;
}

// Column `name` of a CSV file, as numbers.
std::vector<double> csv_column(const std::string& path, const std::string& name) {
  std::stringstream in(test::read_text(path));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv_line(line);
  const size_t index = std::find(header.begin(), header.end(), name) - header.begin();
  EXPECT_LT(index, header.size()) << path << " has no column " << name;
  std::vector<double> out;
  while (std::getline(in, line)) out.push_back(std::atof(split_csv_line(line).at(index).c_str()));
  return out;
}

}  // namespace

TEST(Diagnostics, SummedOpGradientMatchesAHandComputation) {
  // 3 cells, 2 edges, 3 ops: g[c][e][o] = 100c + 10e + o.
  torch::Tensor values = torch::empty({3, 6}, torch::kDouble);
  for (int c = 0; c < 3; ++c)
    for (int e = 0; e < 2; ++e)
      for (int o = 0; o < 3; ++o) values[c][e * 3 + o] = 100.0 * c + 10 * e + o;
  // Cells {0, 2}, op column 1 on both edges: ((1 + 201) + (11 + 211)) / 2 = 212.
  EXPECT_DOUBLE_EQ(summed_op_gradient(values, {0, 2}, {1, 1}).item<double>(), 212.0);
  // The op only on edge 1 (column 2): (12 + 212) / 1.
  EXPECT_DOUBLE_EQ(summed_op_gradient(values, {0, 2}, {-1, 2}).item<double>(), 224.0);
  EXPECT_TRUE(std::isnan(summed_op_gradient(values, {0}, {-1, -1}).item<double>()));
}

TEST(Diagnostics, OpColumnsFollowEachEdgesOps) {
  const SearchSpace& nb201 = find_space("nb201");
  for (int c : op_columns(nb201, 0, "nor_conv_3x3")) EXPECT_EQ(nb201.cell_types[0].edge_ops[0][c], "nor_conv_3x3");
  for (int c : op_columns(find_space("darts"), 0, "nor_conv_3x3")) EXPECT_EQ(c, -1);
}

TEST(Diagnostics, ExponentialAverageIsBiasCorrected) {
  ExponentialAverage ema;
  EXPECT_FALSE(ema.value().defined());
  ema.add(torch::tensor(1.0));
  EXPECT_NEAR(ema.value().item<double>(), 1.0, 1e-12);  // 0.001 / (1 − 0.999)
  ema.add(torch::tensor(2.0));
  const double m = 0.999 * 0.001 + 0.001 * 2.0;
  EXPECT_NEAR(ema.value().item<double>(), m / (1 - 0.999 * 0.999), 1e-12);
}

TEST(Diagnostics, MeanCosineOfPairsMatchesAHandComputation) {
  const auto a = torch::tensor({1.0, 0.0}), b = torch::tensor({1.0, 1.0}), c = torch::tensor({0.0, 2.0});
  const torch::Tensor p = pair_products({a, b, c});
  ASSERT_EQ(p.size(0), 3);
  // cos(a,b) = 1/√2, cos(a,c) = 0, cos(b,c) = 1/√2.
  EXPECT_NEAR(mean_cosine(p), 2 / std::sqrt(2.0) / 3, 1e-12);
  EXPECT_TRUE(std::isnan(mean_cosine(pair_products({a}))));
}

// The probe against cosines computed here from a traced pass, with LibTorch's
// cosine_similarity; it must leave BN statistics and every gradient alone.
TEST(Diagnostics, ProbeSimilaritiesMatchCosinesOfATracedPass) {
  torch::manual_seed(3);
  const SearchSpace& space = find_space("nb201");
  SearchNetworkOptions options;
  options.channels = 4, options.cells_per_stage = 3, options.in_channels = 1, options.num_classes = 10;
  SearchNetwork net = make_search_network(space, options);
  Architecture arch(space);
  const std::vector<torch::Tensor> weights = arch.cell_probabilities(net->cell_types());
  const torch::Tensor images = torch::randn({6, 1, 12, 12}), labels = torch::randint(0, 10, {6});
  std::vector<torch::Tensor> before;
  for (const auto& b : net->buffers()) before.push_back(b.clone());

  LocalCommunicator comm;
  const auto similarities = probe_similarities(*net, space, weights, images, labels, comm);
  ASSERT_EQ(similarities.size(), 3u);
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], net->buffers()[i]));
  for (const auto& p : net->parameters()) EXPECT_FALSE(p.grad().defined());

  // Stage 0 = cells 0, 1, 2: three pairs.
  std::vector<std::vector<torch::Tensor>> nodes(net->num_search_cells());
  net->set_cell_hook([&](int cell, const std::vector<torch::Tensor>& states) { nodes[cell] = states; });
  const torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(images, weights), labels);
  net->set_cell_hook(nullptr);
  const std::vector<torch::Tensor> grads =
      torch::autograd::grad({loss}, {nodes[0][1], nodes[0][2], nodes[0][3], nodes[1][1], nodes[1][2], nodes[1][3],
                                     nodes[2][1], nodes[2][2], nodes[2][3]});
  auto cos = [](const torch::Tensor& x, const torch::Tensor& y) {
    return torch::cosine_similarity(x.flatten(), y.flatten(), 0, 0).item<double>();
  };
  double grad_sum = 0;
  for (int j = 0; j < 3; ++j)
    grad_sum += cos(grads[j], grads[3 + j]) + cos(grads[j], grads[6 + j]) + cos(grads[3 + j], grads[6 + j]);
  EXPECT_NEAR(similarities[0].gradients, grad_sum / 9, 1e-5);

  double output_sum = 0;
  int count = 0;
  torch::NoGradGuard no_grad;
  for (int e = 0; e < space.num_edges(); ++e)
    for (const std::string op : {"nor_conv_1x1", "nor_conv_3x3"}) {
      const int o = op_columns(space, 0, op)[e];
      std::vector<torch::Tensor> outs;
      for (int c = 0; c < 3; ++c) {
        torch::nn::AnyModule m = net->edge_op(c, e).ops()[o];
        outs.push_back(m.forward(nodes[c][space.edges[e].from]));
      }
      output_sum += cos(outs[0], outs[1]) + cos(outs[0], outs[2]) + cos(outs[1], outs[2]);
      count += 3;
    }
  EXPECT_NEAR(similarities[0].outputs, output_sum / count, 1e-5);
}

// The whole search: probes change nothing; the α change is the ℓ1 norm of
// consecutive softmax(α) in alphas.jsonl; diagnostics.csv has one row per probe.
TEST(Diagnostics, ProbesChangeNothingAndTheAlphaChangeMatchesAlphasJsonl) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  LocalCommunicator comm;
  SearchOptions probed = tiny_search(dir.path(), dir.file("probed"));
  run_search(probed, "", comm);
  SearchOptions plain = tiny_search(dir.path(), dir.file("plain"));
  plain.probe_every = 0;
  run_search(plain, "", comm);
  EXPECT_EQ(test::read_text(dir.file("probed/steps.csv")), test::read_text(dir.file("plain/steps.csv")));
  EXPECT_EQ(test::read_text(dir.file("probed/alphas.jsonl")), test::read_text(dir.file("plain/alphas.jsonl")));
  EXPECT_EQ(csv_column(dir.file("probed/diagnostics.csv"), "global_step"), (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  for (double v : csv_column(dir.file("probed/diagnostics.csv"), "cos_grad_stage2")) EXPECT_TRUE(std::abs(v) <= 1 && v != 0);
  EXPECT_EQ(test::read_text(dir.file("plain/diagnostics.csv")).find('\n') + 1,
            test::read_text(dir.file("plain/diagnostics.csv")).size());  // the header only

  // softmax(α) before the first epoch: the initial α (seeded), as a fresh searcher draws it.
  std::vector<std::vector<double>> rows;
  std::stringstream in(test::read_text(dir.file("probed/alphas.jsonl")));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<double> values;
    std::string numbers;
    for (char ch : line.substr(line.find('['))) numbers += (std::isdigit(ch) || ch == '.' || ch == '-' || ch == 'e') ? ch : ' ';
    std::stringstream nums(numbers);
    for (double v; nums >> v;) values.push_back(v);
    rows.push_back(values);
  }
  const std::vector<double> change = csv_column(dir.file("probed/metrics.csv"), "alpha_change_l1_cell");
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(change.size(), 3u);
  for (int epoch = 1; epoch < 3; ++epoch) {
    double l1 = 0;
    for (size_t i = 0; i < rows[epoch].size(); ++i) l1 += std::abs(rows[epoch][i] - rows[epoch - 1][i]);
    EXPECT_NEAR(change[epoch], l1, 1e-6) << "epoch " << epoch;
  }
  EXPECT_GT(change[0], 0);
}

// TensorBoard: a run killed after a checkpoint and resumed has every scalar
// once, at the same steps and values as an uninterrupted run, as read back by
// ldarts' reader and by the tensorboard package.
TEST(Diagnostics, TensorBoardEventsAfterAKilledAndResumedRunHaveNoDuplicates) {
  TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 10);
  const std::string args = "search --dataset mnist --data-dir " + dir.path() +
                           " --channels 4 --cells-per-stage 2 --batch-size 8 --epochs 3 --max-steps 3 --eval-steps 1"
                           " --lambda 0.5 --probe-every 2 --checkpoint-every 2 --seed 7 --threads 1";
  // Killed at global step 6: the newest checkpoint is after step 4, events of step 5 were written after it.
  ASSERT_NO_FATAL_FAILURE(test::interrupt_and_resume(
      args, dir.file("whole"), dir.file("cut"), {"LDARTS_FAULT_RANK=0 LDARTS_FAULT_STEP=6", std::nullopt, ""},
      [](const std::string& output) {
        EXPECT_NE(output.find("injected fault at step 6"), std::string::npos) << output;
      }));

  auto events = [](const std::string& folder) {
    std::map<std::pair<std::string, int64_t>, std::vector<float>> out;
    for (const std::string& name : list_dir(folder, false))
      if (name.find("tfevents") != std::string::npos)
        for (const EventScalar& s : read_event_scalars(folder + "/" + name)) out[{s.tag, s.step}].push_back(s.value);
    return out;
  };
  const auto whole = events(dir.file("whole")), cut = events(dir.file("cut"));
  ASSERT_EQ(whole.size(), cut.size());
  for (const auto& [key, values] : cut) {
    ASSERT_EQ(values.size(), 1u) << key.first << " at step " << key.second << " is duplicated";
    ASSERT_TRUE(whole.count(key)) << key.first << " " << key.second;
    if (key.first.find("seconds") == std::string::npos) {
      EXPECT_EQ(values[0], whole.at(key)[0]) << key.first;
    }
  }
  EXPECT_TRUE(cut.count({"step/train_loss", 9}));
  EXPECT_TRUE(cut.count({"epoch/valid_acc", 3}));
  EXPECT_TRUE(cut.count({"alpha/cell/1<-0/nor_conv_3x3", 3}));
  EXPECT_TRUE(cut.count({"step/cos_grad_stage1", 6}));

  // The real client: tensorboard's own reader, where the set-up script made its venv.
  const char* cache = std::getenv("LDARTS_CACHE");
  const std::string python = (cache ? std::string(cache) : std::string(std::getenv("HOME")) + "/.cache/ldarts") +
                             "/test-venv/bin/python";
  if (!file_exists(python)) GTEST_SKIP() << "no " << python << " (scripts/setup.sh makes it): tensorboard's reader not run";
  const std::string script = test::source_path("tests/tensorboard/read_events.py");
  std::string theirs_whole, theirs_cut;
  ASSERT_EQ(test::run_command(python + " " + script + " --as-run " + dir.file("whole") + " 2>/dev/null", theirs_whole), 0);
  ASSERT_EQ(test::run_command(python + " " + script + " " + dir.file("cut") + " 2>/dev/null", theirs_cut), 0) << theirs_cut;
  auto without_seconds = [](const std::string& text) {
    std::stringstream in(text);
    std::string out, line;
    size_t lines = 0;
    while (std::getline(in, line))
      if (line.find("seconds") == std::string::npos) out += line + "\n", ++lines;
    return std::make_pair(out, lines);
  };
  EXPECT_EQ(without_seconds(theirs_cut).first, without_seconds(theirs_whole).first);
  EXPECT_EQ(without_seconds(theirs_cut).second + 3, whole.size());  // every scalar but the 3 epochs' seconds

  // Their values are the CSV files' (float32 of the 8 significant digits written there).
  std::map<std::pair<std::string, int64_t>, double> read_back;
  std::stringstream lines(theirs_cut);
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> f = split(line, '\t');
    if (f.size() == 3) read_back[{f[0], std::atoll(f[1].c_str())}] = std::atof(f[2].c_str());
  }
  const std::vector<double> losses = csv_column(dir.file("cut/steps.csv"), "train_loss");
  ASSERT_EQ(losses.size(), 9u);
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(read_back.at({"step/train_loss", k + 1}), losses[k], 1e-6 * losses[k]) << k;
  const std::vector<double> align = csv_column(dir.file("cut/metrics.csv"), "alignment_valid");
  for (int e = 0; e < 3; ++e) EXPECT_NEAR(read_back.at({"epoch/alignment_valid", e + 1}), align[e], 1e-6) << e;
  const std::vector<double> cosines = csv_column(dir.file("cut/diagnostics.csv"), "cos_output_stage3");
  ASSERT_EQ(cosines.size(), 4u);  // global steps 2, 4, 6, 8
  EXPECT_NEAR(read_back.at({"step/cos_output_stage3", 8}), cosines[3], 1e-6);
}

// Figs. 2 and 7 through the observer on a tiny supernet after one real step:
// the first value of each average is the hand-summed α gradient.
TEST(Diagnostics, GradientAveragesOfARealStepMatchAHandSum) {
  torch::manual_seed(5);
  SearchOptions o = test::tiny_search_options();
  o.cells_per_stage = 2, o.seed = 5;
  const SearchSpace& space = find_space("nb201");
  LocalCommunicator comm;
  Searcher searcher(o, space, 1, 10, comm);
  const Batch train = test::random_batch(8, std::nullopt, 1, 12), valid = test::random_batch(8, std::nullopt, 1, 12);
  searcher.step(train, valid, StepSchedule{0.025, 0.0});
  const torch::Tensor g = searcher.valid_cell_gradients().to(torch::kDouble);
  ASSERT_EQ(g.size(0), 6);  // 3 stages x 2 cells: first five = 0..4, last five = 1..5

  auto observer = diagnostics(searcher, space, train, 1, comm);
  observer->start(nullptr);
  StepEvent event;
  event.global_step = 1;
  observer->on_step(event);

  const auto ops = space.cell_types[0].edge_ops[0];
  const int conv = int(std::find(ops.begin(), ops.end(), "nor_conv_3x3") - ops.begin());
  const int skip = int(std::find(ops.begin(), ops.end(), "skip_connect") - ops.begin());
  auto hand = [&](int first, int op) {
    double sum = 0;
    for (int e = 0; e < 6; ++e)
      for (int c = first; c < first + 5; ++c) sum += g[c][e * int(ops.size()) + op].item<double>();
    return sum / 6;
  };
  EXPECT_NEAR(find_scalar(event.scalars, "grad_ema_first5_conv"), hand(0, conv), 1e-9);
  EXPECT_NEAR(find_scalar(event.scalars, "grad_ema_first5_skip"), hand(0, skip), 1e-9);
  EXPECT_NEAR(find_scalar(event.scalars, "grad_ema_last5_conv"), hand(1, conv), 1e-9);
  EXPECT_NEAR(find_scalar(event.scalars, "grad_ema_last5_skip"), hand(1, skip), 1e-9);
  EXPECT_TRUE(std::isfinite(find_scalar(event.scalars, "cos_grad_stage1")));
}
