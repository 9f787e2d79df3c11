// Genotype derivation, NB201 strings and the NB201 table.
#include <gtest/gtest.h>

#include "ldarts/io/nb201_table.h"
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

TEST(Nb201Table, BadFiles) {
  test::TempDir dir;
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("missing.csv")), "missing.csv", "cannot open");
  test::write_text(dir.file("other.csv"), "a,b,c\n1,2,3\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("other.csv")), "other.csv", "not an NB201 accuracy table");
  test::write_text(dir.file("bad.csv"), "CIFAR10TestAccuracy200Epochs,x,y,z,w\n1.0,abc,3,|a~0|,u\n");
  EXPECT_ERROR_WITH(Nb201Table::load(dir.file("bad.csv")), "bad.csv:2", "not numbers");
}
