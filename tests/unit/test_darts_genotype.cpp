// DARTS-family spaces as data, and their genotype derivation and output.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>

#include "ldarts/io/graphviz.h"
#include "ldarts/model/darts_network.h"
#include "ldarts/search/darts_genotype.h"
#include "support/test_support.h"

using namespace ldarts;

TEST(DartsSpaces, RegistryAndShapes) {
  for (const char* name : {"darts", "darts-none", "s1", "s2", "s3", "s4"}) {
    const SearchSpace& s = find_space(name);
    EXPECT_EQ(s.num_edges(), 14) << name;
    EXPECT_EQ(s.cell_types.size(), 2u) << name;
    EXPECT_EQ(s.cell_types[0].name, "normal");
    EXPECT_EQ(s.cell_types[1].name, "reduce");
    for (const auto& type : s.cell_types) EXPECT_EQ(type.edge_ops.size(), 14u) << name;
  }
  EXPECT_EQ(find_space("darts").num_ops(), 7);
  EXPECT_EQ(find_space("darts-none").ops.front(), "none");
  EXPECT_EQ(find_space("s3").num_ops(), 3);
  // S1: a different pair per edge, and normal != reduce.
  const SearchSpace& s1 = find_space("s1");
  EXPECT_EQ(s1.num_ops(), 2);
  EXPECT_EQ(s1.cell_type("normal").edge_ops[5], (std::vector<std::string>{"max_pool_3x3", "skip_connect"}));
  EXPECT_EQ(s1.cell_type("reduce").edge_ops[1], (std::vector<std::string>{"max_pool_3x3", "dil_conv_3x3"}));
  // Edges: node 2 <- 0, 1; node 3 <- 0, 1, 2; ...; node 5 <- 0..4.
  EXPECT_EQ(find_space("darts").edges[4].from, 2);
  EXPECT_EQ(find_space("darts").edges[4].to, 3);
  EXPECT_ERROR_WITH(find_space("s5"), "unknown search space 's5'", "darts");
}

TEST(DartsGenotype, TopTwoEdgesByBestNonNoneOp) {
  const SearchSpace& space = find_space("darts-none");
  // 14 edges x 8 ops; `none` (column 0) is large everywhere and must be ignored.
  std::vector<float> p(14 * 8, 0.01f);
  for (int e = 0; e < 14; ++e) p[e * 8] = 0.9f;
  auto set = [&](int edge, const std::string& op, float w) { p[edge * 8 + space.op_index(op)] = w; };
  set(0, "sep_conv_3x3", 0.30f);  // node 2 <- 0
  set(1, "skip_connect", 0.20f);  // node 2 <- 1
  set(2, "max_pool_3x3", 0.10f);  // node 3 <- 0
  set(3, "dil_conv_5x5", 0.50f);  // node 3 <- 1
  set(4, "sep_conv_5x5", 0.40f);  // node 3 <- 2
  set(8, "avg_pool_3x3", 0.60f);  // node 4 <- 3
  set(5, "sep_conv_3x3", 0.05f);  // node 4 <- 0
  set(13, "dil_conv_3x3", 0.70f); // node 5 <- 4
  set(9, "skip_connect", 0.35f);  // node 5 <- 0
  const DartsCellGenotype g = derive_darts_cell(space, "normal", p);
  const std::vector<std::pair<std::string, int>> expected = {
      {"sep_conv_3x3", 0}, {"skip_connect", 1}, {"dil_conv_5x5", 1}, {"sep_conv_5x5", 2},
      {"avg_pool_3x3", 3}, {"sep_conv_3x3", 0}, {"dil_conv_3x3", 4}, {"skip_connect", 0}};
  EXPECT_EQ(g.ops, expected);
  EXPECT_EQ(g.concat, (std::vector<int>{2, 3, 4, 5}));
}

TEST(DartsGenotype, S1LooksOpNamesUpPerEdge) {
  const SearchSpace& space = find_space("s1");
  std::vector<float> p(14 * 2, 0.4f);
  for (int e = 0; e < 14; ++e) p[e * 2 + 1] = 0.6f;  // the second op of every edge wins
  const DartsCellGenotype normal = derive_darts_cell(space, "normal", p);
  EXPECT_EQ(normal.ops[0], (std::pair<std::string, int>{"dil_conv_3x3", 0}));  // edge 0: skip | dil_conv_3x3
  EXPECT_EQ(normal.ops[1], (std::pair<std::string, int>{"dil_conv_5x5", 1}));  // edge 1: skip | dil_conv_5x5
  const DartsCellGenotype reduce = derive_darts_cell(space, "reduce", p);
  EXPECT_EQ(reduce.ops[0], (std::pair<std::string, int>{"avg_pool_3x3", 0}));  // edge 0: max | avg
  EXPECT_ERROR_WITH(derive_darts_cell(space, "normal", std::vector<float>(10, 0.1f)), "α entries");
}

TEST(DartsGenotype, JsonTextAndDot) {
  DartsGenotype g;
  g.normal.ops = {{"sep_conv_3x3", 0}, {"sep_conv_3x3", 1}, {"skip_connect", 0}, {"sep_conv_3x3", 1},
                  {"skip_connect", 0}, {"sep_conv_3x3", 1}, {"skip_connect", 0}, {"dil_conv_3x3", 2}};
  g.normal.concat = {2, 3, 4, 5};
  g.reduce = g.normal;
  g.reduce.ops[0] = {"max_pool_3x3", 0};
  EXPECT_EQ(to_genotype_text(g).substr(0, 80),
            "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ");
  EXPECT_NE(to_genotype_text(g).find("normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0)"), std::string::npos);
  const std::string json = to_json(g);
  EXPECT_NE(json.find("\"normal\": [[\"sep_conv_3x3\", 0], [\"sep_conv_3x3\", 1]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"reduce_concat\": [2, 3, 4, 5]"), std::string::npos) << json;
  const std::string dot = to_dot(g.normal, "normal");
  EXPECT_NE(dot.find("\"c_{k-2}\" -> 0 [label=\"sep_conv_3x3\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("0 -> 3 [label=\"dil_conv_3x3\"]"), std::string::npos) << dot;  // node 5 <- node 2
  EXPECT_NE(dot.find("3 -> \"c_{k}\""), std::string::npos) << dot;
  if (graphviz_available()) {
    EXPECT_NE(render_dot(dot, "svg").find("<svg"), std::string::npos);  // dot -Tsvg parsed it (exit 0)
  } else {
    std::printf("[  NOTE    ] Graphviz `dot` not installed: DOT not parsed\n");
  }
  EXPECT_ERROR_WITH(render_dot("digraph { a -> }", "svg"), graphviz_available() ? "failed" : "Graphviz");
}

TEST(DartsGenotype, EdgeNormalizationScalesTheEdgeChoice) {
  const SearchSpace& space = find_space("darts");
  // Every edge: op 4 (sep_conv_5x5) with 0.5, the rest equal; edge 0 (node 2 <- 0) slightly ahead of edge 1.
  std::vector<float> p(14 * 7, 0.5f / 6);
  for (int e = 0; e < 14; ++e) p[e * 7 + 4] = e == 0 ? 0.51f : 0.5f;
  EXPECT_EQ(derive_darts_cell(space, "normal", p).ops[0].second, 0);
  // β favouring edge 1 over edge 0 among node 2's inputs reverses their order.
  // Node 3 (edges 2, 3, 4 from nodes 0, 1, 2): equal without β, so the first two (ties keep order).
  EXPECT_EQ(derive_darts_cell(space, "normal", p).ops[3].second, 1);
  std::vector<float> beta(14, 0.0f);
  beta[1] = 1.0f;
  beta[4] = 2.0f;  // β brings the edge from node 2 in and drops the edge from node 1
  const torch::Tensor scale = edge_softmax(torch::tensor(beta), space);
  // Node 2's two weights: softmax(0, 1).
  EXPECT_NEAR(scale[1].item<double>(), std::exp(1.0) / (1 + std::exp(1.0)), 1e-6);
  const DartsCellGenotype g =
      derive_darts_cell(space, "normal", p, std::vector<float>(scale.data_ptr<float>(), scale.data_ptr<float>() + 14));
  EXPECT_EQ(g.ops[0], (std::pair<std::string, int>{"sep_conv_5x5", 1}));
  EXPECT_EQ(g.ops[1], (std::pair<std::string, int>{"sep_conv_5x5", 0}));
  EXPECT_EQ(g.ops[2].second, 2);
  EXPECT_EQ(g.ops[3].second, 0);
  EXPECT_ERROR_WITH(derive_darts_cell(space, "normal", p, std::vector<float>(3, 0.0f)), "edge normalization");
  EXPECT_ERROR_WITH(edge_softmax(torch::zeros({3}), space), "edge normalization β has 3");
}
