// Genotypes: the discrete cell derived from α, and the NB201 string form
// |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.
#pragma once

#include <string>
#include <vector>

#include "ldarts/spaces/space.h"

namespace ldarts {

struct Nb201Genotype {
  std::vector<std::string> edge_ops;  // one op per edge, in the space's edge order
};

// argmax per edge over all ops (none included). alpha: row-major [edges, ops].
Nb201Genotype derive_nb201(const SearchSpace& space, const std::vector<float>& alpha);

std::string to_nb201_string(const SearchSpace& space, const Nb201Genotype& genotype);

// Parses and validates an NB201 string; a malformed one is a user error that
// says what is wrong.
Nb201Genotype parse_nb201_string(const SearchSpace& space, const std::string& text);

// {"space": ..., "nb201": "|...|", "edges": [{"from":0,"to":1,"op":"..."}, ...]}
std::string to_json(const SearchSpace& space, const Nb201Genotype& genotype);
// Graphviz DOT of the cell: one arrow per edge that is not `none`, labelled with its op.
std::string to_dot(const SearchSpace& space, const Nb201Genotype& genotype);

}  // namespace ldarts
