// Genotypes as users hand them to `ldarts train` and `ldarts genotype`: our
// genotype.json (DARTS family or NB201), an NB201 cell string, or the
// Genotype(normal=[('sep_conv_3x3', 1), ...], normal_concat=range(2, 6), ...)
// text that DARTS-family code publishes; inline or in a file.
#pragma once

#include <string>

#include "ldarts/search/darts_genotype.h"
#include "ldarts/search/genotype.h"

namespace ldarts {

struct AnyGenotype {
  bool is_nb201 = false;
  Nb201Genotype nb201;  // when is_nb201
  DartsGenotype darts;  // otherwise
};

// Parses any of the three forms; `source` names the file or option in messages.
AnyGenotype parse_genotype(const std::string& text, const std::string& source);
// `arg` is a file (read and parsed) or the genotype text itself.
AnyGenotype read_genotype(const std::string& arg);

// A derived DARTS cell is usable for evaluation: two (op, input) pairs per
// node, ops of the DARTS family (not none), inputs of earlier nodes only,
// concatenated nodes that exist. Errors name `what` (e.g. "file: normal").
void check_darts_cell(const DartsCellGenotype& cell, const std::string& what);

// The genotype as text: the NB201 string or the Genotype(...) text.
std::string genotype_text(const AnyGenotype& genotype);

}  // namespace ldarts
