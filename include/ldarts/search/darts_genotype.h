// Genotypes of the DARTS-family spaces (darts, darts-none, s1-s4): per
// intermediate node the two incoming edges with the highest best non-none
// weight, each with its best non-none op (the op names looked up per edge, so
// S1 works); written as JSON, as the Genotype(...) text of DARTS-family code,
// and as Graphviz DOT.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ldarts/spaces/space.h"

namespace ldarts {

struct DartsCellGenotype {
  std::vector<std::pair<std::string, int>> ops;  // two (op, input node) per intermediate node, in node order
  std::vector<int> concat;                       // nodes concatenated into the output (2..5)
};

struct DartsGenotype {
  DartsCellGenotype normal, reduce;
};

// probabilities: softmax(α) of one cell type, row-major [edges, ops of the edge].
// edge_scale: PC-DARTS edge-normalization weights of the type ([edges], the
// softmax of β over the edges entering each node: edge_softmax) or empty; an
// edge's op weights are multiplied by its scale before the top-2 choice.
DartsCellGenotype derive_darts_cell(const SearchSpace& space, const std::string& cell_type,
                                    const std::vector<float>& probabilities, const std::vector<float>& edge_scale = {});

std::string to_json(const DartsGenotype& genotype);
// Genotype(normal=[('sep_conv_3x3', 1), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))
std::string to_genotype_text(const DartsGenotype& genotype);
// A Graphviz picture of one cell: inputs c_{k-2}, c_{k-1}, nodes 0..3, output c_{k}.
std::string to_dot(const DartsCellGenotype& cell, const std::string& title);

}  // namespace ldarts
