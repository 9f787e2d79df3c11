// Is a derived cell degenerate? A search can end in a cell that cannot learn:
// in NB201 a cell whose every input→output path passes a `none` edge outputs
// zeros (the NB201 table scores all of them about 10 % on CIFAR-10), and a
// cell of parameter-free operations only (skip, pooling) is the paper's
// "performance collapse". Searches, `ldarts genotype`, `ldarts train` and
// `ldarts summarize` report both, so nobody has to read a genotype string to
// learn that a search produced nothing.
#pragma once

#include <string>

#include "ldarts/search/genotype_input.h"

namespace ldarts {

struct CellHealth {
  bool connected = true;   // some input→output path avoids `none` (DARTS-family cells always have one)
  int parameter_free = 0;  // chosen ops without parameters: none, skip_connect, pooling
  int ops = 0;             // chosen ops counted (NB201: 6 edges; DARTS: 8 normal + 8 reduce)
  std::string why;         // "" when connected, else which edges cut the cell
};

// none, skip_connect and pooling (avg_pool_3x3, max_pool_3x3).
bool is_parameter_free(const std::string& op);

CellHealth check_cell(const SearchSpace& space, const Nb201Genotype& genotype);
CellHealth check_cell(const DartsGenotype& genotype);
CellHealth check_cell(const AnyGenotype& genotype);

// One line: "cell is connected; 2 of 6 ops parameter-free" or
// "cell is DISCONNECTED: ...; 4 of 6 ops parameter-free".
std::string describe(const CellHealth& health);

// A genotype JSON object (genotype.json) with "connected" and
// "parameter_free_ops" added before its closing brace.
std::string with_health(const std::string& json, const CellHealth& health);

}  // namespace ldarts
