// `ldarts summarize`: run folders written here by hand (a λ sweep of NB201
// searches, training runs) are grouped by config keys, and every mean, sample
// std and 95% CI half-width is checked against the textbook formulas computed
// in the test body (t_{0.975,2} = 4.303 and t_{0.975,1} = 12.706 from a printed
// table, not from the code under test).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "ldarts/core/error.h"
#include "ldarts/core/files.h"
#include "ldarts/report/run_data.h"
#include "ldarts/summary/run_folders.h"
#include "ldarts/summary/summary.h"
#include "support/test_support.h"

using namespace ldarts;
using test::TempDir;
using test::write_text;

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The last metrics row of one search run (the first row holds other numbers,
// which must not be averaged).
struct SearchEnd {
  double c10, c100, in16;                 // NB201 test accuracy of the final genotype
  double best_c10, best_c100, best_in16;  // ... of the genotype with the best supernet valid accuracy
  double valid_acc;                       // supernet validation accuracy of the last epoch
};

const char* kGenotype = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|";

// An NB201 search folder of 2 epochs (100 s and 200 s per epoch), as `ldarts search` writes it.
void write_nb201_search(const std::string& dir, int seed, const std::string& lambda, const std::string& epsilon0,
                        const SearchEnd& end, int world_size = 1, const std::string& threads = "2") {
  make_dirs(dir);
  write_text(dir + "/run.json", "{\"command\": \"search\", \"space\": \"nb201\", \"ldarts_version\": \"0.1.0\", "
                                "\"world_size\": " + std::to_string(world_size) + ", \"argv\": \"ldarts search\"}\n");
  write_text(dir + "/config.toml", "space=\"nb201\"\ndataset=\"cifar10\"\nepochs=2\nregularizer=\"corr\"\nlambda=" +
                                       lambda + "\nepsilon0=" + epsilon0 + "\nseed=" + std::to_string(seed) +
                                       "\nthreads=" + threads + "\nout=\"" + dir + "\"\n");
  const std::string g = kGenotype;
  write_text(dir + "/metrics.csv",
             "epoch,lr,lambda,train_loss,valid_acc,genotype,cifar10_test,cifar100_test,imagenet16_test,best_epoch,"
             "best_valid_acc,best_genotype,best_cifar10_test,best_cifar100_test,best_imagenet16_test,seconds,"
             "alpha_change_l1_cell\n"
             "0,0.02,0,1.5,11," + g + ",10,10,10,0,11," + g + ",10,10,10,100,0.5\n"
             "1,0.001," + lambda + ",1.1," + num(end.valid_acc) + "," + g + "," + num(end.c10) + "," + num(end.c100) +
             "," + num(end.in16) + ",1," + num(end.valid_acc) + "," + g + "," + num(end.best_c10) + "," +
             num(end.best_c100) + "," + num(end.best_in16) + ",200,0.25\n");
  write_text(dir + "/genotype.json", "{\"space\": \"nb201\", \"nb201\": \"" + g + "\", \"best\": {\"epoch\": 1, "
                                     "\"valid_acc\": " + num(end.valid_acc) + ", \"genotype\": \"" + g + "\"}}\n");
}

// A training folder: test.json with or without the parameter fields.
void write_train(const std::string& dir, int seed, double top1, double top5, double parameters, int free_ops,
                 bool new_fields, int world_size) {
  make_dirs(dir);
  write_text(dir + "/run.json", "{\"command\": \"train\", \"genotype\": \"" + std::string(kGenotype) +
                                    "\", \"world_size\": " + std::to_string(world_size) + "}\n");
  write_text(dir + "/config.toml", "network=\"cifar\"\ndataset=\"cifar10\"\nepochs=2\nseed=" + std::to_string(seed) +
                                       "\nout=\"" + dir + "\"\n");
  write_text(dir + "/metrics.csv", "epoch,lr,drop_path,train_loss,train_top1,train_top5,valid_loss,valid_top1,valid_top5,seconds\n"
                                   "0,0.05,0,2.0,30,70,1.9,35,75,1800\n1,0.01,0.1,1.5,45,85,1.6,44,86,1800\n");
  std::string test = "{\"images\": 10000, \"loss\": 0.3, \"top1\": " + num(top1) + ", \"top5\": " + num(top5) +
                     ", \"epochs\": 2";
  if (new_fields) test += ", \"parameters\": " + num(parameters) + ", \"parameter_free_ops\": " + std::to_string(free_ops);
  write_text(dir + "/test.json", test + "}\n");
}

// Textbook statistics, written out independently of describe().
struct Expected {
  double mean, std, ci95;
};
Expected textbook(const std::vector<double>& x, double t) {
  const double n = static_cast<double>(x.size());
  double sum = 0;
  for (double v : x) sum += v;
  const double mean = sum / n;
  double squares = 0;
  for (double v : x) squares += (v - mean) * (v - mean);
  const double std = std::sqrt(squares / (n - 1));
  return {mean, std, t * std / std::sqrt(n)};
}

std::string cell(const Expected& e, int decimals) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f ± %.*f [±%.*f]", decimals, e.mean, decimals, e.std, decimals, e.ci95);
  return buf;
}

const GroupResult& result(const GroupSummary& g, const std::string& name) {
  for (const GroupResult& r : g.results)
    if (r.name == name) return r;
  throw std::runtime_error("no result " + name);
}

// The λ sweep: sweep/lambda-<λ>/seed-<s>, 3 seeds × λ ∈ {0.25, 0.125}; CIFAR-10
// of the final genotypes {93.1, 93.5, 94.0} (λ=0.25) and {91.0, 92.0, 93.0}.
const double kC10Quarter[] = {93.1, 93.5, 94.0}, kC10Eighth[] = {91.0, 92.0, 93.0};
void write_sweep(const std::string& sweep) {
  for (int s = 0; s < 3; ++s) {
    write_nb201_search(sweep + "/lambda-0.25/seed-" + std::to_string(s + 1), s + 1, "0.25", "0.0001",
                       {kC10Quarter[s], 70.0 + s, 40.0 + 2 * s, 94.0 - s, 72.0, 45.0 + s, 80.0 + s}, 2,
                       s == 2 ? "4" : "2");  // threads differ: ignored by the default grouping
    write_nb201_search(sweep + "/lambda-0.125/seed-" + std::to_string(s + 1), s + 1, "0.125", "0.0001",
                       {kC10Eighth[s], 60.0, 30.0, 90.0, 65.0, 35.0, 70.0}, 2);
  }
  make_dirs(sweep + "/logs");  // not a run folder: noted and passed over
}

}  // namespace

TEST(Summary, DescribeMatchesTheTextbookFormulas) {
  const std::vector<double> x{93.1, 93.5, 94.0};
  const Expected e = textbook(x, 4.303);
  // By hand: mean 93.5333, squares 0.406667, s = sqrt(0.203333) = 0.450925, 4.303·s/√3 = 1.120250.
  EXPECT_NEAR(e.mean, 93.533333, 1e-6);
  EXPECT_NEAR(e.std, 0.450925, 1e-6);
  EXPECT_NEAR(e.ci95, 1.120250, 1e-6);
  const GroupResult r = describe("x", {93.1, std::nan(""), 93.5, 94.0});  // NaN: a run without the value
  EXPECT_EQ(r.n, 3);
  EXPECT_NEAR(r.mean, e.mean, 1e-12);
  EXPECT_NEAR(r.std, e.std, 1e-12);
  EXPECT_NEAR(r.ci95, e.ci95, 1e-12);
  const GroupResult pair = describe("x", {1.0, 2.0});
  EXPECT_NEAR(pair.ci95, 12.706 * std::sqrt(0.5) / std::sqrt(2.0), 1e-12);
  const GroupResult one = describe("x", {5.0});
  EXPECT_EQ(one.n, 1);
  EXPECT_EQ(one.mean, 5.0);
  EXPECT_TRUE(std::isnan(one.std));
  EXPECT_TRUE(std::isnan(one.ci95));
  const GroupResult none = describe("x", {std::nan("")});
  EXPECT_EQ(none.n, 0);
  EXPECT_TRUE(std::isnan(none.mean));
}

TEST(Summary, SweepFolderIsGroupedByTheKeyThatDiffersInNumericOrder) {
  TempDir dir;
  write_sweep(dir.file("sweep"));
  const RunSet set = read_runs({dir.file("sweep")});
  ASSERT_EQ(set.runs.size(), 6u);
  EXPECT_EQ(set.runs[0].dir, dir.file("sweep") + "/lambda-0.125/seed-1");  // name order
  ASSERT_EQ(set.notes.size(), 1u);
  EXPECT_NE(set.notes[0].find("logs"), std::string::npos) << set.notes[0];

  EXPECT_EQ(default_group_keys(set.runs, "search"), (std::vector<std::string>{"lambda"}));
  const std::vector<GroupSummary> groups = summarize(set.runs, {});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].values, (std::vector<std::string>{"0.125"}));  // 0.125 < 0.25
  EXPECT_EQ(groups[1].values, (std::vector<std::string>{"0.25"}));
  EXPECT_EQ(groups[1].seeds, (std::vector<std::string>{"1", "2", "3"}));

  const GroupSummary& quarter = groups[1];
  const Expected c10 = textbook({93.1, 93.5, 94.0}, 4.303);
  EXPECT_EQ(result(quarter, "cifar10_test").n, 3);
  EXPECT_NEAR(result(quarter, "cifar10_test").mean, c10.mean, 1e-9);
  EXPECT_NEAR(result(quarter, "cifar10_test").std, c10.std, 1e-9);
  EXPECT_NEAR(result(quarter, "cifar10_test").ci95, c10.ci95, 1e-9);
  const Expected c100 = textbook({70, 71, 72}, 4.303), in16 = textbook({40, 42, 44}, 4.303);
  EXPECT_NEAR(result(quarter, "cifar100_test").ci95, c100.ci95, 1e-9);
  EXPECT_NEAR(result(quarter, "imagenet16_test").std, in16.std, 1e-9);
  const Expected best = textbook({94, 93, 92}, 4.303);
  EXPECT_NEAR(result(quarter, "best_cifar10_test").mean, best.mean, 1e-9);
  EXPECT_NEAR(result(quarter, "best_cifar10_test").ci95, best.ci95, 1e-9);
  EXPECT_EQ(result(quarter, "best_cifar100_test").std, 0.0);  // 72 everywhere
  EXPECT_NEAR(result(quarter, "valid_acc").mean, 81.0, 1e-9);
  EXPECT_EQ(result(quarter, "epochs").mean, 2.0);
  // (100 + 200) s × 2 processes / 3600.
  EXPECT_NEAR(result(quarter, "device_hours").mean, 600.0 / 3600, 1e-12);
  EXPECT_EQ(result(quarter, "device_hours").std, 0.0);

  const std::string md = to_markdown(groups);
  EXPECT_NE(md.find("| lambda | n | CIFAR-10 | CIFAR-100 | ImageNet16-120 | connected | param-free ops | best: CIFAR-10 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0.25 | 3 | " + cell(c10, 2) + " | " + cell(c100, 2) + " | "), std::string::npos) << md;
  EXPECT_NE(md.find("0.167 ± 0.000 [±0.000]"), std::string::npos) << "device-hours with 3 decimals\n" << md;
  EXPECT_NE(md.find("mean ± sample standard deviation"), std::string::npos) << "the format is explained";
  EXPECT_NE(md.find("- lambda=0.25: seeds 1, 2, 3 ("), std::string::npos) << md;
  EXPECT_LT(md.find("| 0.125 |"), md.find("| 0.25 |"));
}

TEST(Summary, ByNamesTheGroupingKeysAndNumbersSortAsNumbers) {
  TempDir dir;
  const SearchEnd a{90, 70, 40, 91, 71, 41, 80}, b{92, 72, 42, 93, 73, 43, 82};
  // ε0 written two ways by different versions: 1e-05 < 0.0001 although "0.0001" < "1e-05" as text.
  write_nb201_search(dir.file("r1"), 1, "0.25", "0.0001", a);
  write_nb201_search(dir.file("r2"), 2, "0.25", "1e-05", b);
  write_nb201_search(dir.file("r3"), 1, "0.125", "0.0001", b);
  write_nb201_search(dir.file("r4"), 2, "0.125", "1e-05", a);
  write_nb201_search(dir.file("r5"), 3, "0.250", "1e-5", a);  // same values as r2's, spelled otherwise
  const RunSet set = read_runs({dir.file("r1"), dir.file("r2"), dir.file("r3"), dir.file("r4"), dir.file("r5")});

  const std::vector<GroupSummary> by_epsilon = summarize(set.runs, {"epsilon0"});
  ASSERT_EQ(by_epsilon.size(), 2u);
  EXPECT_EQ(by_epsilon[0].keys, (std::vector<std::string>{"epsilon0"}));
  EXPECT_EQ(by_epsilon[0].values[0], "1e-05");
  EXPECT_EQ(by_epsilon[0].runs.size(), 3u);  // r2, r4, r5
  EXPECT_EQ(by_epsilon[1].values[0], "0.0001");
  EXPECT_NEAR(result(by_epsilon[1], "cifar10_test").mean, 91.0, 1e-9);  // r1 (90), r3 (92)

  const std::vector<GroupSummary> both = summarize(set.runs, {"lambda", "epsilon0"});
  ASSERT_EQ(both.size(), 4u);
  const std::vector<std::vector<std::string>> order{
      {"0.125", "1e-05"}, {"0.125", "0.0001"}, {"0.25", "1e-05"}, {"0.25", "0.0001"}};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(both[i].values, order[i]) << i;
  EXPECT_EQ(both[2].runs.size(), 2u) << "0.250 / 1e-5 is the same setting as 0.25 / 1e-05";
  const Expected pair = textbook({92, 90}, 12.706);
  EXPECT_NEAR(result(both[2], "cifar10_test").ci95, pair.ci95, 1e-9);

  EXPECT_ERROR_WITH(summarize(set.runs, {"lamda"}), "--by lamda", "config.toml");
}

TEST(Summary, SearchAndTrainNeverMixAndMissingValuesLeaveCellsEmpty) {
  TempDir dir;
  write_train(dir.file("train-1"), 1, 97.0, 99.9, 3.3e6, 2, true, 1);
  write_train(dir.file("train-2"), 2, 97.4, 99.8, 0, 0, false, 1);  // an older test.json
  // An older search: no best_* columns and no ImageNet16-120 value.
  make_dirs(dir.file("old"));
  write_text(dir.file("old/run.json"), "{\"command\": \"search\", \"world_size\": 1}\n");
  write_text(dir.file("old/config.toml"), "space=\"nb201\"\nlambda=0.25\nseed=0\n");
  write_text(dir.file("old/metrics.csv"), "epoch,valid_acc,genotype,cifar10_test,cifar100_test,imagenet16_test,seconds\n"
                                          "0,50," + std::string(kGenotype) + ",90.5,70.25,,36\n");
  const RunSet set = read_runs({dir.path()});
  ASSERT_EQ(set.runs.size(), 3u);
  const std::vector<GroupSummary> groups = summarize(set.runs, {});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].command, "search");
  EXPECT_TRUE(groups[0].keys.empty()) << "one search run: no key differs";
  EXPECT_EQ(result(groups[0], "cifar10_test").n, 1);
  EXPECT_EQ(result(groups[0], "imagenet16_test").n, 0);
  EXPECT_EQ(result(groups[0], "best_cifar10_test").n, 0);
  EXPECT_NEAR(result(groups[0], "device_hours").mean, 0.01, 1e-12);

  const GroupSummary& train = groups[1];
  EXPECT_EQ(train.command, "train");
  EXPECT_EQ(train.runs.size(), 2u);
  const Expected top1 = textbook({97.0, 97.4}, 12.706);
  EXPECT_NEAR(result(train, "test_top1").mean, top1.mean, 1e-9);
  EXPECT_NEAR(result(train, "test_top1").ci95, top1.ci95, 1e-9);
  EXPECT_NEAR(result(train, "test_error").mean, 100 - top1.mean, 1e-9);
  EXPECT_EQ(result(train, "params_m").n, 1);
  EXPECT_NEAR(result(train, "params_m").mean, 3.3, 1e-12);
  EXPECT_EQ(result(train, "parameter_free_ops").mean, 2.0);
  EXPECT_NEAR(result(train, "device_hours").mean, 1.0, 1e-12);  // 2 × 1800 s, one process

  const std::string md = to_markdown(groups);
  EXPECT_LT(md.find("## Search runs"), md.find("## Training runs"));
  // No search run has an ImageNet16-120 or best value: those columns are left out.
  EXPECT_EQ(md.find("ImageNet16-120 |"), std::string::npos) << md;
  EXPECT_EQ(md.find("best: CIFAR-10"), std::string::npos) << md;
  // connected and param-free ops of a run written before ldarts logged them: from its genotype.
  EXPECT_NE(md.find("| 1 | 90.50 | 70.25 | 1/1 | 4.00 | 50.00 | 1.0 | 0.010 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 3.30 (n=1) | 2.00 (n=1) |"), std::string::npos) << "a value one run lacks\n" << md;
  EXPECT_NE(md.find("- all train runs: seeds 1, 2 (train-1, train-2)"), std::string::npos) << md;
}

TEST(Summary, CsvHasMeanStdCiAndNPerResultAtFullPrecision) {
  TempDir dir;
  write_sweep(dir.file("sweep"));
  const std::vector<GroupSummary> groups = summarize(read_runs({dir.file("sweep")}).runs, {});
  const Table csv = parse_csv(to_csv(groups), "summary.csv");
  ASSERT_EQ(csv.rows.size(), 2u);
  std::vector<std::string> expected{"command", "lambda", "n"};
  for (const ResultColumn& c : result_columns("search"))
    for (const char* part : {"_mean", "_std", "_ci95", "_n"}) expected.push_back(c.name + part);
  expected.push_back("seeds");
  EXPECT_EQ(csv.columns, expected);
  EXPECT_EQ(csv.strings("command")[0], "search");
  EXPECT_EQ(csv.strings("lambda")[1], "0.25");
  EXPECT_EQ(csv.numbers("n")[1], 3);
  EXPECT_EQ(csv.strings("seeds")[1], "1 2 3");
  const Expected c10 = textbook({91, 92, 93}, 4.303);
  EXPECT_NEAR(csv.numbers("cifar10_test_mean")[0], c10.mean, 1e-12);
  EXPECT_NEAR(csv.numbers("cifar10_test_std")[0], c10.std, 1e-12);
  EXPECT_NEAR(csv.numbers("cifar10_test_ci95")[0], c10.ci95, 1e-12);
  EXPECT_EQ(csv.numbers("cifar10_test_n")[0], 3);
  EXPECT_NEAR(csv.numbers("device_hours_mean")[1], 1.0 / 6, 1e-15) << "full precision";

  // A single run: std and CI are empty, n is 1.
  write_train(dir.file("t"), 1, 97, 99, 1e6, 1, true, 1);
  const Table one = parse_csv(to_csv(summarize(read_runs({dir.file("t")}).runs, {})), "one.csv");
  ASSERT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(one.strings("test_top1_mean")[0], "97");
  EXPECT_EQ(one.strings("test_top1_std")[0], "");
  EXPECT_EQ(one.strings("test_top1_ci95")[0], "");
  EXPECT_EQ(one.strings("test_top1_n")[0], "1");
}

TEST(Summary, RunsWithoutResultsAreSkippedAndNoRunsIsAnError) {
  TempDir dir;
  write_nb201_search(dir.file("done"), 1, "0.25", "0.0001", {90, 70, 40, 91, 71, 41, 80});
  make_dirs(dir.file("started"));  // a run that has not finished an epoch
  write_text(dir.file("started/run.json"), "{\"command\": \"search\", \"world_size\": 1}\n");
  write_text(dir.file("started/metrics.csv"), "epoch,valid_acc,cifar10_test,seconds\n");
  std::vector<std::string> skipped;
  const std::vector<GroupSummary> groups = summarize(read_runs({dir.path()}).runs, {}, &skipped);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].runs, (std::vector<std::string>{"done"}));
  EXPECT_TRUE(groups[0].keys.empty()) << "a skipped run (no config.toml) does not make keys differ";
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("started"), std::string::npos);
  EXPECT_NE(skipped[0].find("no result"), std::string::npos);
  EXPECT_NE(to_markdown(groups, skipped).find("Skipped:\n- " + skipped[0]), std::string::npos);
  EXPECT_ERROR_WITH(summarize(read_runs({dir.file("started")}).runs, {}), "no run has a result", "started");

  TempDir empty;
  make_dirs(empty.file("logs"));
  EXPECT_ERROR_WITH(read_runs({empty.path()}), "no run folder in", empty.path());
  EXPECT_ERROR_WITH(read_runs({empty.file("nowhere")}), "nowhere", "no such folder");
  EXPECT_ERROR_WITH(summarize({}, {}), "no runs");
}

// connected: the share of runs whose final (best:) cell is connected, shown as k/n; from the
// connected column where metrics.csv has it, else from the genotype.
TEST(Summary, ConnectedCellsAreCountedPerGroup) {
  TempDir dir;
  const std::string cut = "|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|";
  auto write_run = [&](const std::string& name, int seed, const std::string& metrics) {
    make_dirs(dir.file(name));
    write_text(dir.file(name + "/run.json"), "{\"command\": \"search\", \"world_size\": 1}\n");
    write_text(dir.file(name + "/config.toml"), "space=\"nb201\"\nregularizer=\"corr\"\nseed=" + std::to_string(seed) + "\n");
    write_text(dir.file(name + "/metrics.csv"), metrics);
  };
  write_run("a", 1, "epoch,valid_acc,genotype,cifar10_test,connected,parameter_free_ops,best_genotype,seconds\n"
                    "0,50," + cut + ",10,0,3," + kGenotype + ",10\n");
  write_run("b", 2, "epoch,valid_acc,genotype,cifar10_test,connected,parameter_free_ops,best_genotype,seconds\n"
                    "0,50," + std::string(kGenotype) + ",93,1,4," + cut + ",10\n");
  write_run("c", 3, "epoch,valid_acc,genotype,cifar10_test,seconds\n0,50," + cut + ",10,10\n");  // older: no column
  const std::vector<GroupSummary> groups = summarize(read_runs({dir.path()}).runs, {});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_NEAR(result(groups[0], "connected").mean, 1.0 / 3, 1e-12);
  EXPECT_NEAR(result(groups[0], "parameter_free_ops").mean, 10.0 / 3, 1e-12);
  EXPECT_EQ(result(groups[0], "best_connected").n, 2);  // c has no best genotype
  EXPECT_NEAR(result(groups[0], "best_connected").mean, 0.5, 1e-12);
  const std::string md = to_markdown(groups);
  EXPECT_NE(md.find("| 3 | 37.67 ± 47.92 [±119.05] | 1/3 | 3.33 ± 0.58 [±1.43] | 1/2 (n=2)"), std::string::npos) << md;
}

// `--by regularizer` on a sweep with trainings (train = ...): each training groups with the
// search whose genotype.json it trained (its search.regularizer), and test.json's connected counts.
TEST(Summary, PipelineTrainingsGroupByTheirSearchesKey) {
  TempDir dir;
  const std::vector<std::pair<std::string, double>> arms = {{"none", 80.0}, {"corr", 10.0}, {"none", 82.0}};
  for (size_t i = 0; i < arms.size(); ++i) {
    const std::string search = dir.file("s" + std::to_string(i)), train = search + ".train";
    write_nb201_search(search, int(i), "0.25", "1e-4", SearchEnd{90, 70, 40, 90, 70, 40, 80});
    write_text(search + "/config.toml", "space=\"nb201\"\nregularizer=\"" + arms[i].first + "\"\nseed=" +
                                            std::to_string(i) + "\n");
    write_train(train, 0, arms[i].second, 99, 1e4, 3, true, 1);
    write_text(train + "/config.toml", "network=\"nb201\"\nseed=0\ngenotype=\"" + search + "/genotype.json\"\n");
    write_text(train + "/test.json", "{\"top1\": " + num(arms[i].second) + ", \"connected\": " +
                                         (arms[i].first == "corr" ? "false" : "true") + "}\n");
  }
  const std::vector<GroupSummary> groups = summarize(read_runs({dir.path()}).runs, {"regularizer"});
  ASSERT_EQ(groups.size(), 4u);  // search: corr, none; train: corr, none
  EXPECT_EQ(groups[2].command, "train");
  EXPECT_EQ(groups[2].values, std::vector<std::string>{"corr"});
  EXPECT_EQ(groups[3].values, std::vector<std::string>{"none"});
  EXPECT_EQ(groups[3].runs.size(), 2u);
  EXPECT_NEAR(result(groups[3], "test_top1").mean, 81.0, 1e-12);
  EXPECT_EQ(result(groups[3], "connected").mean, 1.0);
  EXPECT_EQ(result(groups[2], "connected").mean, 0.0);
  EXPECT_NE(to_markdown(groups).find("| corr | 1 | 10.00 |"), std::string::npos) << to_markdown(groups);
}
