// Genotype derivation, NB201 strings and the NB201 table.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "ldarts/io/nb201_table.h"
#include "ldarts/search/cell_health.h"
#include "ldarts/search/genotype.h"
#include "support/test_support.h"

using namespace ldarts;

static const char* kAllSkip =
    "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|";

TEST(Genotype, DerivedByArgmaxIncludingNone) {
  const SearchSpace& space = find_space("nb201");
  // ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3
  const std::vector<float> alpha = {
      0.9f, 0.1f, 0.0f, 0.0f, 0.0f,  // 1<-0: none
      0.0f, 0.0f, 0.0f, 0.5f, 0.2f,  // 2<-0: nor_conv_3x3
      0.0f, 0.3f, 0.1f, 0.1f, 0.1f,  // 2<-1: skip_connect
      0.0f, 0.0f, 0.7f, 0.1f, 0.1f,  // 3<-0: nor_conv_1x1
      0.0f, 0.0f, 0.0f, 0.0f, 0.4f,  // 3<-1: avg_pool_3x3
      0.2f, 0.3f, 0.4f, 0.5f, 0.1f,  // 3<-2: nor_conv_3x3
  };
  const auto g = derive_nb201(space, alpha);
  EXPECT_EQ(to_nb201_string(space, g),
            "|none~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_3x3~2|");
}

TEST(Genotype, StringRoundTrip) {
  const SearchSpace& space = find_space("nb201");
  const std::string s = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  const auto g = parse_nb201_string(space, s);
  EXPECT_EQ(g.edge_ops[2], "avg_pool_3x3");  // edge 2<-1
  EXPECT_EQ(to_nb201_string(space, g), s);
  EXPECT_EQ(to_nb201_string(space, parse_nb201_string(space, kAllSkip)), kAllSkip);
}

TEST(Genotype, BadStringsSayWhatIsWrong) {
  const SearchSpace& space = find_space("nb201");
  EXPECT_ERROR_WITH(parse_nb201_string(space, "|skip_connect~0|+|skip_connect~0|skip_connect~1|"), "nodes");
  EXPECT_ERROR_WITH(parse_nb201_string(space, "|conv~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"),
                    "unknown op 'conv'");
  EXPECT_ERROR_WITH(parse_nb201_string(space, "|skip_connect~1|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|"),
                    "no input");
  EXPECT_ERROR_WITH(parse_nb201_string(space, "|skip_connect~0|+|skip_connect~0|+|skip_connect~0|skip_connect~1|skip_connect~2|"),
                    "needs 2 inputs");
}

TEST(Genotype, JsonHasTheStringAndEveryEdge) {
  const SearchSpace& space = find_space("nb201");
  const std::string json = to_json(space, parse_nb201_string(space, kAllSkip));
  EXPECT_NE(json.find(std::string("\"nb201\": \"") + kAllSkip + "\""), std::string::npos);
  EXPECT_NE(json.find("{\"from\": 2, \"to\": 3, \"op\": \"skip_connect\"}"), std::string::npos);
}

TEST(Nb201Table, KnownCells) {
  const Nb201Table table = Nb201Table::load(test::source_path("data/nb201/nb201_test_acc_200ep.csv"));
  EXPECT_EQ(table.size(), 15625u);
  const auto skip = table.find(kAllSkip);
  ASSERT_TRUE(skip.has_value());
  EXPECT_EQ(skip->index, 1835);
  EXPECT_NEAR(skip->cifar10, 54.30, 0.005);
  EXPECT_NEAR(skip->cifar100, 15.61, 0.005);
  EXPECT_NEAR(skip->imagenet16, 16.32, 0.005);
  const auto best = table.find("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(best->index, 6111);
  EXPECT_NEAR(best->cifar10, 94.37, 0.005);
  EXPECT_FALSE(table.find("|none~0|").has_value());
}

// The paper's Table 1 "valid" column, from the validation table shipped beside the test table.
TEST(Nb201Table, ValidBesideTest) {
  const Nb201Table table = Nb201Table::load(test::source_path("data/nb201/nb201_test_acc_200ep.csv"));
  ASSERT_TRUE(table.has_valid());
  const auto skip = table.find(kAllSkip);  // the paper's DARTS row: 39.77 / 54.30
  ASSERT_TRUE(skip.has_value());
  EXPECT_NEAR(skip->cifar10_valid, 39.77, 0.005);
  EXPECT_NEAR(skip->cifar10, 54.30, 0.005);
  const auto best = table.find("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|");
  ASSERT_TRUE(best.has_value());  // the optimum: 91.61 / 94.37
  EXPECT_EQ(best->index, 6111);
  EXPECT_NEAR(best->cifar10_valid, 91.61, 0.005);
  EXPECT_NEAR(best->cifar10, 94.37, 0.005);

  // Without the validation file beside it: test accuracies only, valid NaN.
  test::TempDir dir;
  test::write_text(dir.file("nb201_test_acc_200ep.csv"),
                   "CIFAR10TestAccuracy200Epochs,a,b,c,d\n54.30,15.61,16.32," + std::string(kAllSkip) + ",0\n");
  const Nb201Table alone = Nb201Table::load(dir.file("nb201_test_acc_200ep.csv"));
  EXPECT_FALSE(alone.has_valid());
  EXPECT_TRUE(std::isnan(alone.find(kAllSkip)->cifar10_valid));
  // A validation file that does not match the table is an error naming it, not a silent NaN.
  test::write_text(dir.file(kNb201ValidFile), "Index,ArchitectureString,CIFAR10ValidXValid200Epochs,x,y\n"
                                              "0,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10,10,10\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("nb201_test_acc_200ep.csv")), kNb201ValidFile, "not in the test-accuracy table");
  test::write_text(dir.file(kNb201ValidFile), "Index,ArchitectureString,CIFAR10ValidXValid200Epochs,x,y\n0," +
                                              std::string(kAllSkip) + ",139.7,1,1\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("nb201_test_acc_200ep.csv")), kNb201ValidFile + std::string(":2"),
                    "not an accuracy");
  test::write_text(dir.file(kNb201ValidFile), "Index,Arch,Valid\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("nb201_test_acc_200ep.csv")), kNb201ValidFile, "not the NB201 CIFAR-10 validation table");
}

// Hand-made cells: which are cut, and how many parameter-free ops they have.
TEST(CellHealth, ConnectivityOfHandMadeCells) {
  const SearchSpace& space = find_space("nb201");
  auto health = [&](const std::string& cell) { return check_cell(space, parse_nb201_string(space, cell)); };
  const CellHealth none = health("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_FALSE(none.connected);
  EXPECT_EQ(none.parameter_free, 6);
  EXPECT_EQ(none.ops, 6);
  EXPECT_NE(describe(none).find("cell is DISCONNECTED: every path from the input (node 0) to the output (node 3)"),
            std::string::npos) << describe(none);
  // One path cut (1->2 is none), the others remain: connected.
  const CellHealth one_cut = health("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  EXPECT_TRUE(one_cut.connected);
  EXPECT_EQ(one_cut.parameter_free, 2);
  EXPECT_EQ(describe(one_cut), "cell is connected; 2 of 6 ops parameter-free");
  // Every path cut although three convolutions remain (README command 1's old result).
  const CellHealth all_cut = health("|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  EXPECT_FALSE(all_cut.connected);
  EXPECT_EQ(all_cut.parameter_free, 3);
  EXPECT_NE(all_cut.why.find("0->1, 0->2, 0->3"), std::string::npos) << all_cut.why;
  // Only the direct edge 0->3 carries the input.
  EXPECT_TRUE(health("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|").connected);
  // Node 2 is reached but its edge to the output is none, as is every other way: cut.
  EXPECT_FALSE(health("|none~0|+|avg_pool_3x3~0|none~1|+|none~0|nor_conv_1x1~1|none~2|").connected);
  // The all-skip cell (the paper's collapse) is connected, and all parameter-free.
  const CellHealth skip = health(kAllSkip);
  EXPECT_TRUE(skip.connected);
  EXPECT_EQ(skip.parameter_free, 6);
  // genotype.json gets both fields.
  const std::string json = with_health(to_json(space, parse_nb201_string(space, kAllSkip)), skip);
  EXPECT_NE(json.find("\"connected\": true,\n  \"parameter_free_ops\": 6\n}"), std::string::npos) << json;
}

// Against an independent source: the NB201 table trained all 15,625 cells. A cell the
// check calls disconnected must score chance (10.00 % on CIFAR-10), a connected one more.
TEST(CellHealth, AgreesWithTheTableOnEveryCell) {
  const SearchSpace& space = find_space("nb201");
  const std::string text = test::read_text(test::source_path("data/nb201/nb201_test_acc_200ep.csv"));
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // header
  int cells = 0, disconnected = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    ASSERT_GE(f.size(), 4u);
    const CellHealth h = check_cell(space, parse_nb201_string(space, f[3]));
    const double c10 = std::stod(f[0]);
    if (h.connected) {
      EXPECT_GT(c10, 40.0) << f[3];
    } else {
      EXPECT_NEAR(c10, 10.0, 1e-9) << f[3];
      ++disconnected;
    }
    ++cells;
  }
  EXPECT_EQ(cells, 15625);
  EXPECT_EQ(disconnected, 341);  // the table's rows at 10.00 %
}

TEST(Nb201Table, BadFiles) {
  test::TempDir dir;
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("missing.csv")), "missing.csv", "cannot open");
  test::write_text(dir.file("other.csv"), "a,b,c\n1,2,3\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("other.csv")), "other.csv", "not an NB201 accuracy table");
  test::write_text(dir.file("bad.csv"), "CIFAR10TestAccuracy200Epochs,x,y,z,w\n1.0,abc,3,|a~0|,u\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("bad.csv")), "bad.csv:2", "'abc' is not an accuracy");
}
