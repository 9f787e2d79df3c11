// Genotype input: the published Genotype(...) text, our JSON, NB201 strings,
// and one clear message for each malformed case.
#include <gtest/gtest.h>

#include "ldarts/search/genotype_input.h"
#include "support/test_support.h"

using namespace ldarts;

namespace {
// PC-DARTS' CIFAR cell as published in its genotypes.py (with namedtuple text and range concat).
const std::string kPcDarts =
    "PC_DARTS_cifar = Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), "
    "('dil_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 1)], "
    "normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), "
    "('sep_conv_5x5', 2), ('sep_conv_3x3', 0), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], "
    "reduce_concat=range(2, 6))";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kPcDarts;
  s.replace(s.find(from), from.size(), to);
  return s;
}
}  // namespace

TEST(GenotypeInput, ReadsThePublishedTextAndRoundTrips) {
  const AnyGenotype g = parse_genotype(kPcDarts, "test");
  ASSERT_FALSE(g.is_nb201);
  ASSERT_EQ(g.darts.normal.ops.size(), 8u);
  EXPECT_EQ(g.darts.normal.ops[0], (std::pair<std::string, int>{"sep_conv_3x3", 1}));
  EXPECT_EQ(g.darts.reduce.ops[7], (std::pair<std::string, int>{"sep_conv_3x3", 2}));
  EXPECT_EQ(g.darts.reduce.concat, (std::vector<int>{2, 3, 4, 5}));
  // Our text and our JSON read back to the same genotype.
  const AnyGenotype from_text = parse_genotype(to_genotype_text(g.darts), "text");
  const AnyGenotype from_json = parse_genotype(to_json(g.darts), "json");
  EXPECT_EQ(from_text.darts.normal.ops, g.darts.normal.ops);
  EXPECT_EQ(from_json.darts.reduce.ops, g.darts.reduce.ops);
  EXPECT_EQ(from_json.darts.normal.concat, g.darts.normal.concat);
  // Double quotes and list concat, as other codebases print them.
  const AnyGenotype quoted = parse_genotype(
      "Genotype(normal=[(\"sep_conv_3x3\", 0), (\"sep_conv_3x3\", 1)], normal_concat=[2], "
      "reduce=[(\"max_pool_3x3\", 0), (\"max_pool_3x3\", 1)], reduce_concat=[2])", "q");
  EXPECT_EQ(quoted.darts.normal.ops.size(), 2u);
  // A concat that is not a range is written as a list and reads back the same.
  AnyGenotype gaps = g;
  gaps.darts.normal.concat = {2, 4, 5};
  EXPECT_NE(genotype_text(gaps).find("normal_concat=[2, 4, 5]"), std::string::npos) << genotype_text(gaps);
  EXPECT_EQ(parse_genotype(genotype_text(gaps), "t").darts.normal.concat, (std::vector<int>{2, 4, 5}));
  // Pasted with its name, inline.
  EXPECT_EQ(read_genotype("DARTS_X = " + to_genotype_text(g.darts)).darts.normal.ops, g.darts.normal.ops);
  // NB201: the string and our JSON.
  const std::string cell = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|";
  EXPECT_TRUE(parse_genotype(cell, "s").is_nb201);
  EXPECT_EQ(genotype_text(parse_genotype("{\"space\": \"nb201\", \"nb201\": \"" + cell + "\"}", "j")), cell);
}

TEST(GenotypeInput, RejectsEachMalformedCaseWithItsMessage) {
  EXPECT_ERROR_WITH(parse_genotype(with("'sep_conv_5x5', 0", "'sep_conv_9x9', 0"), "g.txt"), "g.txt: normal pair 4",
                    "unknown operation 'sep_conv_9x9'");
  EXPECT_ERROR_WITH(parse_genotype(with("('dil_conv_3x3', 1)], normal_concat", "('dil_conv_3x3', 5)], normal_concat"), "g"),
                    "normal pair 7", "node 5 can only take inputs 0..4");
  EXPECT_ERROR_WITH(parse_genotype(with("('avg_pool_3x3', 0), ", ""), "g"), "normal has 7 (op, input) pairs");
  EXPECT_ERROR_WITH(parse_genotype(with("'max_pool_3x3', 0", "'none', 0"), "g"), "reduce pair 1",
                    "unknown operation 'none'");
  EXPECT_ERROR_WITH(parse_genotype(with("reduce_concat=range(2, 6)", "reduce_concat=range(2, 8)"), "g"),
                    "concat node 6 does not exist");
  EXPECT_ERROR_WITH(parse_genotype(with("('sep_conv_3x3', 1), ('skip", "(sep_conv_3x3, 1), ('skip"), "g"),
                    "cannot read '(sep_conv_3x3, 1)");
  EXPECT_ERROR_WITH(parse_genotype("Genotype(reduce=[], normal=[('sep_conv_3x3', 0)", "g"), "not closed");
  EXPECT_ERROR_WITH(parse_genotype("resnet50", "cli"), "not a genotype");
  EXPECT_ERROR_WITH(parse_genotype("|conv~0|+|", "s"), "bad NB201 cell string");
  EXPECT_ERROR_WITH(read_genotype("/nonexistent/genotype.json"), "no such file");
}
