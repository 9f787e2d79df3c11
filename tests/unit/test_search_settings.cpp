// The authors' search settings (issue 14): the lr held per epoch, search-time
// cutout with a ramped probability, and the best-validation genotype record.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "ldarts/data/augment.h"
#include "ldarts/dist/communicator.h"
#include "ldarts/io/csv_log.h"
#include "ldarts/io/nb201_table.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/genotype_input.h"
#include "ldarts/run/schedule.h"
#include "ldarts/search/search_run.h"
#include "support/search_support.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {

// Rows of a CSV as maps column → field.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::stringstream in(test::read_text(path));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv_line(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split_csv_line(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

SearchOptions run_options(const test::TempDir& dir, const std::string& name) {
  SearchOptions o = test::tiny_search_options(dir.path(), dir.file(name));
  o.epochs = 4, o.max_steps = 3, o.eval_steps = 1;
  o.seed = 3;
  o.nb201_table = test::source_path("data/nb201/nb201_test_acc_200ep.csv");
  return o;
}

// n images of one channel whose pixels are all 255 (so cutout's zeros are easy to see).
ImageSet white_images(int64_t n) {
  return ImageSet{torch::full({n, 1, 8, 8}, 255, torch::kByte), torch::zeros({n}, torch::kLong), 10, "white"};
}

}  // namespace

TEST(SearchSettings, LrUpdateEpochHoldsTheEpochStartValue) {
  EXPECT_DOUBLE_EQ(lr_progress("step", 2, 3, 4), 2.75);
  EXPECT_DOUBLE_EQ(lr_progress("epoch", 2, 3, 4), 2.0);
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 12);
  LocalCommunicator comm;
  SearchOptions o = run_options(dir, "epoch-lr");
  o.lr_update = "epoch";
  run_search(o, "", comm);
  for (const auto& row : read_csv(dir.file("epoch-lr/steps.csv"))) {
    const int epoch = std::stoi(row.at("epoch"));
    EXPECT_NEAR(std::stod(row.at("lr")), cosine_lr(o.lr, o.lr_min, epoch, o.epochs), 1e-7) << "epoch " << epoch;
  }
}

TEST(SearchSettings, CutoutProbabilityRampsLinearlyFromZero) {
  EXPECT_DOUBLE_EQ(cutout_probability(0.8, 0, 5), 0.0);
  EXPECT_DOUBLE_EQ(cutout_probability(0.8, 2, 5), 0.4);
  EXPECT_DOUBLE_EQ(cutout_probability(0.8, 4, 5), 0.8);
  EXPECT_DOUBLE_EQ(cutout_probability(0.8, 0, 1), 0.8);
}

TEST(SearchSettings, CutoutProbabilityCutsThatShareOfTheImages) {
  const ImageSet set = white_images(400);
  std::vector<int64_t> all(400);
  for (int64_t i = 0; i < 400; ++i) all[i] = i;
  const Normalization norm{{0.0f}, {1.0f}};
  auto cut_share = [&](double prob) {
    AugmentOptions a{true, 0, false, 4};
    a.cutout_prob = prob;
    const Batch b = make_batch(set, all, norm, a, 11);
    return (b.images.amin({1, 2, 3}) == 0).to(torch::kDouble).mean().item<double>();
  };
  EXPECT_EQ(cut_share(0.0), 0.0);
  EXPECT_EQ(cut_share(1.0), 1.0);
  EXPECT_NEAR(cut_share(0.3), 0.3, 0.07);  // 400 Bernoulli(0.3) draws: sd 0.023
  // Probability 1 keeps the random stream of the trainer's cutout (no extra draw).
  AugmentOptions plain{true, 0, false, 4};
  AugmentOptions one = plain;
  one.cutout_prob = 1.0;
  EXPECT_TRUE(torch::equal(make_batch(set, all, norm, plain, 5).images, make_batch(set, all, norm, one, 5).images));
}

// The best-validation genotype: each row's best_* is the row with the highest
// valid_acc so far (the earlier one on a tie); genotype.json and
// genotype-best.json say the same; the search with cutout changes the batches.
TEST(SearchSettings, BestGenotypeFollowsTheBestValidationAccuracy) {
  test::TempDir dir;
  test::write_tiny_mnist(dir.path(), 64, 12);
  LocalCommunicator comm;
  SearchOptions o = run_options(dir, "best");
  o.cutout = 6, o.cutout_prob = 1.0;
  run_search(o, "", comm);
  const auto rows = read_csv(dir.file("best/metrics.csv"));
  ASSERT_EQ(rows.size(), 4u);
  size_t best = 0;
  for (size_t e = 0; e < rows.size(); ++e) {
    if (std::stod(rows[e].at("valid_acc")) > std::stod(rows[best].at("valid_acc"))) best = e;
    EXPECT_EQ(rows[e].at("best_epoch"), std::to_string(best)) << "epoch " << e;
    EXPECT_EQ(rows[e].at("best_genotype"), rows[best].at("genotype"));
    EXPECT_EQ(rows[e].at("best_valid_acc"), rows[best].at("valid_acc"));
    EXPECT_EQ(rows[e].at("best_cifar10_test"), rows[best].at("cifar10_test"));
    EXPECT_EQ(rows[e].at("best_cifar10_valid"), rows[best].at("cifar10_valid"));
    EXPECT_EQ(rows[e].at("best_connected"), rows[best].at("connected"));
    EXPECT_EQ(rows[e].at("best_parameter_free_ops"), rows[best].at("parameter_free_ops"));
    // connected, parameter_free_ops and the CIFAR-10 valid accuracy are those of the row's genotype.
    const SearchSpace& space = find_space("nb201");
    const CellHealth h = check_cell(space, parse_nb201_string(space, rows[e].at("genotype")));
    EXPECT_EQ(rows[e].at("connected"), h.connected ? "1" : "0") << rows[e].at("genotype");
    EXPECT_EQ(rows[e].at("parameter_free_ops"), std::to_string(h.parameter_free)) << rows[e].at("genotype");
    const auto acc = Nb201Table::load(o.nb201_table).find(rows[e].at("genotype"));
    ASSERT_TRUE(acc.has_value());
    EXPECT_NEAR(std::stod(rows[e].at("cifar10_valid")), acc->cifar10_valid, 1e-5);
  }
  const std::string json = test::read_text(dir.file("best/genotype.json"));
  EXPECT_NE(json.find("\"best\": {\"epoch\": " + std::to_string(best)), std::string::npos) << json;
  EXPECT_NE(json.find(rows[best].at("best_genotype")), std::string::npos);
  EXPECT_NE(test::read_text(dir.file("best/genotype-best.json")).find(rows[best].at("genotype")), std::string::npos);
  const SearchSpace& space = find_space("nb201");
  const CellHealth final_health = check_cell(space, parse_nb201_string(space, rows.back().at("genotype")));
  EXPECT_NE(json.find(std::string("\"connected\": ") + (final_health.connected ? "true" : "false")), std::string::npos)
      << json;
  // genotype.json still reads as the final genotype.
  EXPECT_EQ(genotype_text(read_genotype(dir.file("best/genotype.json"))), rows.back().at("genotype"));

  SearchOptions plain = run_options(dir, "plain");
  run_search(plain, "", comm);
  EXPECT_NE(test::read_text(dir.file("best/steps.csv")), test::read_text(dir.file("plain/steps.csv")));
}
